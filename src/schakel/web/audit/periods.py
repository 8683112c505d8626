"""How long audit entries are kept: 7 years (GDPR art. 5(2) and 32, NEN 7513).

Declared here, below the retention app, because the audit app checks it when the start of the
chain is pruned (ADR 0025); `retention.policy` shows it with the other periods.
"""

from __future__ import annotations

RETENTION_DAYS = 7 * 365
