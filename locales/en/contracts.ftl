## Tariff plans, contracts and amendments

crm-date-invalid = Date "{ $value }" is not recognised. Enter it as YYYY-MM-DD, for example 2026-03-01.
crm-calendar-unknown = There is no calendar "{ $value }". Choose an existing calendar, for example office or 24x7.
crm-sla-target-once = Give the target once: in minutes or in business days.
crm-limit-too-large = Limit { $value } is too large: the maximum is { $max }.
crm-plan-not-latest = Plan version { $value } is no longer the newest (the newest is { $latest }). Change the newest version.
crm-plan-unknown = There is no plan with id { $value }. Choose a plan from the list.
crm-plan-closed = Version { $version } of plan "{ $code }" was in force only until { $date }. Choose a current version.
crm-client-unknown = There is no client with id { $value }. Choose a client from the list.
crm-amendment-draft = Contract { $number } is still a draft: change its terms in the contract itself, because amendments are made to contracts in force.
crm-amendment-ended = Contract { $number } has ended, so it takes no amendments.
crm-amendment-before-start = The amendment cannot take effect on { $value }, before the contract starts on { $start }.
crm-terms-before-start = The contract was not yet in force on { $value }: it starts on { $start }.
