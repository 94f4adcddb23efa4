## SLA on the ticket pages

sla-title = SLA
sla-policy-contract = From the client's contract
sla-policy-internal = Internal policy
sla-policy-contract_strictest = Strictest contract of the affected clients
sla-calendar = calendar “{ $code }”
sla-first-response = First response
sla-resolution = Resolution
sla-remaining = { $duration } left
sla-overdue = overdue by { $duration }
sla-met = met { $at }
sla-duration = { $hours } h { $minutes } min
sla-minutes = { $minutes } min
sla-state-breached = Breached
sla-state-at_risk = At risk
sla-state-paused = Stopped
sla-state-ok = On time
sla-state-met = Met
sla-stopped-pending_client = The SLA clock is stopped: the ticket waits for the client. The deadlines move by the whole wait.
sla-stopped-pending_third_party = The SLA clock is stopped: the ticket waits for a third party, and the client's contract stops the clock in that case.
sla-stopped-outside_business_hours = It is outside the business hours of the calendar “{ $calendar }” now. The SLA clock starts again at { $at }.
tickets-column-sla = SLA
tickets-filter-sla = SLA
tickets-filter-sla-at_risk = At risk
tickets-filter-sla-breached = Breached
