## Deal pipeline

nav-deals = Deals
deals-title = Deals
deals-view = Pipeline view
deals-view-board = Board
deals-view-list = List
deals-filter = Show
deals-any-stage = All stages
deals-any-owner = All owners
deals-count = { $count ->
        [one] { $count } deal
       *[other] { $count } deals
    }
deals-empty = No deals.
deal-title = Deal
deal-new-title = New deal
deal-create = Create deal
deal-back-to-board = ← All deals
deal-field-title = Title
deal-field-client = Client
deal-field-owner = Owner
deal-field-plan = Tariff plan
deal-field-amount = Amount
deal-field-stage = Stage
deal-field-expected-close = Expected close
deal-field-lost-reason = Lost reason
deal-field-lost-comment = Lost comment
deal-field-contract = Contract
deal-no-plan = No plan chosen
deal-choose-client = Choose a client
deal-move = Move
deal-stage-change = Change stage
deal-lost-reason-none = —
deal-lost-hint = Needed only for the “Lost” stage; the reason “other” needs a comment.
deal-done-created = Deal created.
deal-done-stage = Deal stage changed.
deal-stage-new = New
deal-stage-qualified = Qualified
deal-stage-proposal = Proposal
deal-stage-negotiation = Negotiation
deal-stage-won = Won
deal-stage-lost = Lost
deal-lost-reason-price = Price
deal-lost-reason-competitor = Went to a competitor
deal-lost-reason-no_budget = No budget
deal-lost-reason-no_response = Client does not respond
deal-lost-reason-missing_feature = The platform lacks a feature
deal-lost-reason-other = Other
crm-deal-amount = A deal amount cannot be negative, but { $value } was given.
crm-deal-owner-unknown = User { $value } cannot own a deal: an active staff user is needed. Choose the owner from the list.
crm-deal-plan-missing = Choose a tariff plan for the deal before winning it: the draft contract is created on that plan.

## Tariff plans and contracts: forms

plans-title = Tariff plans
plans-empty = No tariff plans.
plan-new-title = New tariff plan
plan-create = Create plan
plan-form-hint = A new plan gets the internal default SLA targets; the API sets others.
plan-done-created = Tariff plan created.
plan-field-code = Code
plan-field-name = Name
plan-field-version = Version
plan-field-price = Monthly price
plan-field-vat = VAT
plan-field-vat-included = Price
plan-field-vat-exemption = Basis of “no VAT”
plan-field-valid-from = Valid from
plan-vat-included-yes = includes VAT
plan-vat-included-no = VAT on top
plan-vat-standard = Standard rate
plan-vat-reduced = Reduced rate 10 %
plan-vat-zero = 0 %
plan-vat-simplified5 = Simplified tax, 5 %
plan-vat-simplified7 = Simplified tax, 7 %
plan-vat-exempt = No VAT
contract-new-title = New contract
contract-create = Create contract
contract-done-created = Contract created.
contract-field-series = Series
contract-price-from-plan = as in the plan
contract-signatory-hint = In the genitive case, as the phrase «в лице …, действующего на основании …» needs it. Fill in all three fields or none.
contract-signatory-name = Full name
contract-signatory-position = Position
contract-signatory-authority = Authority
contract-signatory-partial = The signatory is incomplete: give the full name, the position and the authority, or none of them.
contract-conclusion-kind = Concluded by
contract-conclusion-draft = Draft for now
contract-conclusion-signed = Signature
contract-conclusion-offer = Offer acceptance
contract-conclusion-hint = A signed contract or an accepted offer is active at once. A signature needs the signing date; an acceptance needs the date, the offer version and the method.
contract-field-accepted-on = Acceptance date
contract-field-offer-version = Offer version
contract-field-method = Acceptance method
contract-method-payment = Invoice payment
contract-method-portal_checkbox = Checkbox in the client portal
contract-method-signed_application = Signed application

## Claims

nav-disputes = Claims
disputes-title = Claims
disputes-count = { $count ->
        [one] { $count } claim
       *[other] { $count } claims
    }
disputes-empty = No claims.
disputes-overdue-only = Overdue answers only
dispute-title = Claim
dispute-new-title = New claim
dispute-create = Register claim
dispute-back = ← All claims
dispute-choose-contract = Choose a contract
dispute-done-created = Claim registered.
dispute-done-status = Claim status changed.
dispute-field-direction = Direction
dispute-field-contract = Contract
dispute-field-subject = Subject
dispute-field-claimed = Amount claimed
dispute-field-sent = Sent on
dispute-field-received = Received on
dispute-field-term = Answer term
dispute-field-term-days = Days
dispute-field-due = Answer due
dispute-field-status = Status
dispute-field-outcome = Outcome amount
dispute-field-tickets = Evidence tickets (ids)
dispute-direction-incoming = Incoming (from the client)
dispute-direction-outgoing = Outgoing (to the client)
dispute-status-received = Received
dispute-status-under_review = Under review
dispute-status-accepted = Accepted
dispute-status-partly_accepted = Partly accepted
dispute-status-rejected = Rejected
dispute-status-settled = Settled
dispute-status-change = Change status
dispute-status-save = Change status
dispute-outcome-hint = Give the amount for a partial acceptance; a full acceptance is the claimed amount, a rejection zero.
dispute-evidence = Evidence
dispute-evidence-none = No tickets linked.
dispute-term-kind-calendar = Calendar days from sending
dispute-term-kind-working = Working days from receipt
dispute-term-calendar = { $days ->
        [one] { $days } calendar day from sending
       *[other] { $days } calendar days from sending
    }
dispute-term-working = { $days ->
        [one] { $days } working day from receipt
       *[other] { $days } working days from receipt
    }
dispute-days-left = { $days ->
        [one] { $days } day left
       *[other] { $days } days left
    }
dispute-overdue = { $days ->
        [one] overdue by { $days } day
       *[other] overdue by { $days } days
    }
crm-contract-unknown = There is no contract { $value }. Choose a contract from the list.
crm-claim-received-before-sent = The receipt date { $received } is before the sending date { $sent }. Correct one of the dates.
crm-claim-ticket-unknown = Ticket { $value } is not among this contract's client's tickets. Give tickets of this client.

## Sales report

nav-sales-report = Sales report
report-sales-title = Sales report
report-funnel = Deal funnel
report-deals = Deals
report-ending = Contracts ending soon
report-ending-window = { $days ->
        [one] within { $days } day
       *[other] within { $days } days
    }
report-ending-none = No contract in force ends within the next 90 days.
report-days-left = Days left
report-mrr = MRR by month
report-mrr-method = A month's MRR is the sum of the monthly prices of the contracts in force on its first day, at the terms in force that day (amendments included). Each client's change from the month before: a new client is “new”, growth “expansion”, a decrease “contraction”, a drop to zero “churn”. Drafts do not count.
report-from = From month
report-months = Months
report-month = Month
report-new = New
report-expansion = Expansion
report-contraction = Contraction
report-churn = Churn
report-overdue = Overdue claim answers
report-overdue-none = No overdue answers.
