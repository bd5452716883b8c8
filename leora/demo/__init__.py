"""Deterministic, realistic demo data: ``leora seed_demo``.

What a seeded tenant contains, so pages, metrics and tests know what to expect:

- People: an admin, managers (one per 8 reps) and reps (at least the preset's number, and one per
  ~250 accounts), all with the password ``leora-demo``; emails ``admin@<slug>.example``,
  ``manager@``, ``manager2@``..., ``rep1@``...; reps report to a manager.
- Accounts: restaurants, bars, hotels (on-premise licences), wine shops, grocers and liquor stores
  (off-premise), one territory per rep. Behaviour by quota (``cadence.SEGMENTS``): half steady, and
  the rest new (first order in the last 60 days), slipping (1.3-1.45x their interval since the last
  order), at risk (1.6-2.9x), dormant (95+ days), declining (last 90 days' baskets at 45%), narrowing
  (one or two products in the last 90 days), prospects and targets that never ordered, and lapsed
  targets. Reorder intervals: weekly, fortnightly, three-weekly, monthly and six-weekly, with jitter.
- Orders: two years (``--years``), baskets of 2-8 lines from each account's preferred mix, a holiday
  peak in November-December and a January trough, about 1.5% cancelled (and re-placed next day).
- Invoices: one per kept order, net 30; most paid, some partly paid, open ones in every aging bucket.
- Work: activities by the assigned rep, tasks from managers (done, open and overdue), visits and
  tastings in the coming three weeks, and weekly quotas (Mondays) in line with each rep's book.

The same ``--seed`` and ``--today`` give the same data (``digest.tenant_digest`` compares runs).
"""
