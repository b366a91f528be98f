"""Two journeys that link to each other (`to: journey-id:step-id`): support sends customers to
billing, and billing (with `LOOP_BACK` in place of `BACK`) sends some back."""

from __future__ import annotations

SUPPORT = """\
    cyclemap: 1
    journey: {id: support, name: Soporte}
    teams: {n1: {name: Nivel 1}}
    stages: [{id: s, name: S}]
    steps:
      - {id: call, stage: s, team: n1, entry: {volume: 1000}, next: [{to: diagnose}]}
      - id: diagnose
        stage: s
        team: n1
        next: [{to: fixed, share: 0.7}, {to: billing:billing-desk, share: 0.3}]
      - {id: fixed, stage: s, team: n1, outcome: success}
    """
BILLING = """\
    cyclemap: 1
    journey: {id: billing, name: Facturación}
    teams: {bill: {name: Facturación}}
    stages: [{id: s, name: S}]
    steps:
      - {id: invoice, stage: s, team: bill, entry: {volume: 500}, next: [{to: paid}]}
      - id: billing-desk
        stage: s
        team: bill
        abandon: 0.1
        next: [{to: paid, share: 0.6}BACK]
      - {id: paid, stage: s, team: bill, outcome: success}
    """
LOOP_BACK = ", {to: support:diagnose, share: 0.4}"
