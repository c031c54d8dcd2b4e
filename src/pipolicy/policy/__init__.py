"""The policy: what a business declares once, validated as a whole."""
