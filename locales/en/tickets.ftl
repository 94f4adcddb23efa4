# Ticket pages: the list, "My tickets", the ticket page, creation.

tickets-title = Tickets
my-title = My tickets
my-assigned = Assigned to me
my-unassigned = Unassigned in my queues
ticket-page-title = Ticket
ticket-new-title = New ticket

## Value names

ticket-status-new = New
ticket-status-assigned = Assigned
ticket-status-in_progress = In progress
ticket-status-pending = Pending
ticket-status-resolved = Resolved
ticket-status-closed = Closed
ticket-status-cancelled = Cancelled

ticket-kind-incident = Incident
ticket-kind-request = Request
ticket-kind-question = Question
ticket-kind-problem = Problem
ticket-kind-bug = Bug

ticket-priority-P1 = P1 — critical
ticket-priority-P2 = P2 — high
ticket-priority-P3 = P3 — medium
ticket-priority-P4 = P4 — low

ticket-source-portal = Client portal
ticket-source-staff = Staff
ticket-source-zabbix = Zabbix
ticket-source-api = API
ticket-source-email = E-mail

ticket-pending-client = client's reply
ticket-pending-third_party = third party

ticket-link-duplicate_of = Duplicate of
ticket-link-caused_by = Caused by problem
ticket-link-relates_to = Relates to
ticket-link-incoming-duplicate_of = Duplicated by
ticket-link-incoming-caused_by = Causes
ticket-link-incoming-relates_to = Relates to

## List

tickets-column-number = Number
tickets-column-title = Title
tickets-column-status = Status
tickets-column-priority = Priority
tickets-column-queue = Queue
tickets-column-assignee = Assignee
tickets-column-source = Source
tickets-column-updated = Updated

tickets-sort-created_at-desc = Newest first
tickets-sort-created_at-asc = Oldest first
tickets-sort-updated_at-desc = Recently updated
tickets-sort-updated_at-asc = Least recently updated
tickets-sort-priority-desc = Lowest priority first
tickets-sort-priority-asc = Highest priority first
tickets-sort-status-desc = Status: closed to new
tickets-sort-status-asc = Status: new to closed

tickets-filter-status = Status
tickets-filter-any = All
tickets-filter-me = Me
tickets-filter-unassigned = Unassigned
tickets-filter-text = Search
tickets-filter-text-hint = Number, title, description, host
tickets-filter-sort = Order
tickets-filter-per-page = Per page
tickets-filter-apply = Show
tickets-filter-reset = Reset
tickets-empty = No tickets.
tickets-pages = List pages
tickets-page-prev = ← Previous
tickets-page-next = Next →
tickets-page-of = Page { $page } of { $pages }

## Ticket page

ticket-back-to-list = ← Back to tickets
ticket-field-kind = Kind
ticket-field-title = Title
ticket-field-description = Description
ticket-field-status = Status
ticket-field-priority = Priority
ticket-field-queue = Queue
ticket-field-assignee = Assignee
ticket-field-source = Source
ticket-field-created = Created
ticket-field-updated = Updated
ticket-field-first-response = First response
ticket-field-resolved = Resolved
ticket-field-closed = Closed
ticket-field-version = Version
ticket-unassigned = Unassigned
ticket-no-description = No description.

ticket-zabbix = Zabbix event
ticket-zabbix-event = Event ID
ticket-zabbix-host-name = Host
ticket-zabbix-host = Host name in Zabbix
ticket-zabbix-started = Problem started

ticket-zabbix-sync = Reporting back to Zabbix
ticket-zabbix-sync-action-acknowledge = Event acknowledgement
ticket-zabbix-sync-action-resolve = Problem close
ticket-zabbix-sync-state-pending = waiting to be sent
ticket-zabbix-sync-state-failed = failed, will retry
ticket-zabbix-sync-state-sent = sent
ticket-zabbix-sync-outcome-acknowledged = event acknowledged
ticket-zabbix-sync-outcome-closed = problem closed
ticket-zabbix-sync-outcome-message = message added: the trigger does not allow manual close
ticket-zabbix-sync-attempts = Attempts
ticket-zabbix-sync-next = Next attempt
ticket-zabbix-sync-error = Last error

ticket-comments = Comments
ticket-no-comments = No comments yet.
comment-public = Public — the client sees it
comment-internal = Internal — staff only
comment-new = New comment
comment-submit = Add comment

ticket-history = History
history-at = When
history-actor = Who
history-field = What
history-change = Old → new
history-field-created = Ticket created
history-field-title = Title
history-field-priority = Priority
history-field-queue = Queue
history-field-assignee = Assignee
history-field-status = Status
history-field-comment_public = Public comment
history-field-comment_internal = Internal comment
history-field-link = Link
history-field-zabbix = Zabbix event
history-field-zabbix_event = New Zabbix event

ticket-actions = Status
ticket-no-actions = No moves from this status.
ticket-action-in_progress = Start work
ticket-action-reopen = Reopen
ticket-action-resolved = Resolve
ticket-action-closed = Close
ticket-action-cancelled = Cancel
ticket-action-pending-client = Wait for the client
ticket-action-pending-third_party = Wait for a third party

ticket-assignment = Assignment
ticket-assign-submit = Assign
ticket-take = Take it
ticket-edit = Title and priority
ticket-save = Save

ticket-links = Linked tickets
ticket-no-links = No links.
ticket-link-kind = Link kind
ticket-link-number = Ticket number
ticket-link-submit = Link
ticket-link-not-found = Ticket "{ $value }" was not found. Check the number, for example INC-000123.

ticket-reload = Open the current version of the ticket
ticket-version-invalid = The form arrived without the ticket version (got "{ $value }"). Reload the page and try again.
ticket-comment-internal-client = Clients cannot write internal comments, because only support staff see those. Send the comment as public.

ticket-done-created = Ticket created.
ticket-done-comment = Comment added.
ticket-done-status = Status changed.
ticket-done-saved = Changes saved.
ticket-done-assigned = Assignment changed.
ticket-done-link = Link added.

## Creation

ticket-new-submit = Create ticket
ticket-new-cancel = Cancel
ticket-queue-client-fixed = Clients do not choose the queue: the ticket goes to first-line support. Leave out the queue field (received “{ $value }”).
ticket-field-client = Client
ticket-no-client = No client (internal ticket)
ticket-client-help = SLA targets come from the client's contract in force when the ticket is created; without a client, from the internal policy.
ticket-client-fixed = A client's ticket always belongs to their own company. Leave out the client_id field (received “{ $value }”).
ticket-client-unknown = There is no client with id “{ $value }”. Choose a client from the list or leave the field empty.

## Ticket checklist
ticket-checklist = Checklist
ticket-checklist-new = New item
ticket-checklist-add = Add item
ticket-checklist-tick = Done
ticket-checklist-undo = Reopen item
ticket-checklist-state-done = done
ticket-checklist-state-open = open
ticket-done-checklist = Checklist updated.
ticket-done-fixed-in = Ticket linked to the release that fixes it.
ticket-checklist-open = { $count } checklist items are still open, the first is “{ $item }”. Tick every item, then resolve the ticket.
ticket-checklist-frozen = The checklist of a resolved, closed or cancelled ticket cannot change. Reopen the ticket first.
ticket-checklist-full = The checklist already has { $max } items, the maximum.
history-field-checklist_added = Checklist item added
history-field-checklist_done = Checklist item done
history-field-checklist_undone = Checklist item reopened
history-field-environment = Environment created

## Environment request
environment-request-title = Environment request { $name }
environment-request-kind = Only a ticket of kind “Request” can ask for an environment, but the kind is “{ $value }”. Choose “Request” or clear the environment name.
environment-request-check-resources = Allocate resources
environment-request-check-access = Set up access
environment-request-check-services = Deploy services
environment-request-check-monitoring = Check monitoring
ticket-environment-request = Environment request
ticket-environment-name = Environment name
ticket-environment-kind = Environment kind
ticket-environment-cluster = Cluster (id)
ticket-environment-created = Environment
ticket-environment-on-resolution = created when the ticket is resolved
ticket-new-environment = Environment request
ticket-new-environment-help = Fill in the name to make a ticket of kind “Request” create the environment in the inventory when it is resolved. The ticket gets a checklist and can be resolved only when every item is done.
