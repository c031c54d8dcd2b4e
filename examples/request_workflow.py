"""A disclosure request filed by a voluntary agent, from intake to the written answer;
then a suspension of use the member asks for, and lifts again a month later.

Run: python examples/request_workflow.py
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pipolicy as pp

JST = timezone(timedelta(hours=9))


def main() -> None:
    policy = pp.example_policy("indigo")  # seed 001: the society's disclosure procedure
    engine = pp.Engine(policy, clock=pp.FixedClock(datetime(2026, 11, 22, 10, tzinfo=JST)))
    source = pp.MemorySource()
    engine.register_source("members", source)

    member = engine.register_subject("member-7", category=sorted(policy.categories)[0])
    purpose = sorted(policy.purposes)[0]
    items = sorted(policy.purposes[purpose].items)[:1]
    engine.acquire(member, items=items, purposes=purpose, channel="mail")
    source.put("member-7", {items[0]: "(value kept by the application)"})

    documents = [
        pp.Document(pp.DocumentKind.PASSPORT, issued=date(2022, 1, 1), expires=date(2032, 1, 1)),
        # The power of attorney is the person's (it bears their registered seal), and the
        # seal certificate proving that seal is the person's too: the agent's own counts
        # for nothing.
        pp.Document(pp.DocumentKind.POWER_OF_ATTORNEY, issued=date(2026, 11, 1)),
        pp.Document(pp.DocumentKind.SEAL_CERTIFICATE, issued=date(2026, 10, 1)),
        pp.Document(
            pp.DocumentKind.DRIVERS_LICENSE,
            issued=date(2024, 1, 1),
            expires=date(2029, 1, 1),
            holder="agent",
        ),
    ]
    r = engine.requests.submit(
        pp.RequestKind.DISCLOSURE,
        subject=member,
        applicant=pp.Applicant.voluntary_agent(),
        documents=documents,
    )
    r = engine.requests.verify(r.id)
    # ``r.due`` is the first instant after the last day to answer (midnight in the
    # policy's zone): the day a person is told is the one before, in that zone.
    last_day = policy.local_date(r.due - timedelta(microseconds=1))
    print("after verification:", r.state, "- last day to answer:", last_day)
    answer = engine.requests.fulfil(r.id)
    print(answer.state, "- fee:", answer.fee, "yen")
    print(answer.to_markdown()[:400])

    # The member asks to stop the use of their data (Art. 35), then to resume it.
    stop = engine.requests.submit(
        pp.RequestKind.SUSPENSION_OF_USE, subject=member, documents=documents[:1]
    )
    engine.requests.verify(stop.id)
    engine.requests.fulfil(stop.id)
    print("use while suspended:", engine.check_use(member, purpose=purpose, items=items).allowed)
    engine.requests.resume(stop.id, reason="the member asked by letter to be served again")
    print("use once resumed:", engine.check_use(member, purpose=purpose, items=items).allowed)


if __name__ == "__main__":
    main()
