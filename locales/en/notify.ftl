# E-mail notifications. Subjects carry the ticket number; bodies are plain text.
mail-ticket-comment-subject = [{ $number }] New reply: { $title }
mail-ticket-comment-body =
    Hello,

    { $author } replied on ticket { $number } "{ $title }":

    { $comment }

    Ticket: { $url }

    This message was sent automatically; there is no need to reply to it.
mail-ticket-resolved-subject = [{ $number }] Ticket resolved: { $title }
mail-ticket-resolved-body =
    Hello,

    Ticket { $number } "{ $title }" has been resolved ({ $author }).
    If the problem remains, reply on the ticket and we will reopen it.

    Ticket: { $url }

    This message was sent automatically; there is no need to reply to it.
mail-ticket-assigned-subject = [{ $number }] Ticket assigned to you: { $title }
mail-ticket-assigned-body =
    { $author } assigned ticket { $number } "{ $title }" to you.

    Ticket: { $url }
mail-ticket-escalated-subject = [{ $number }] Escalation level { $level }: { $title }
mail-ticket-escalated-body =
    Ticket { $number } "{ $title }" in queue { $queue } reached escalation level { $level }.
    { $target ->
        [first_response] First response
       *[resolution] Resolution
    } deadline: { $deadline }.

    Ticket: { $url }

# In-app notifications and the header bell.
nav-notifications = Notifications
notifications-title = Notifications
notifications-empty = No notifications.
notifications-read = Mark read
notifications-read-all = Mark all read
notification-ticket_assigned = { $author } assigned ticket { $number } "{ $title }" to you
notification-ticket_escalated = Escalation level { $level }: ticket { $number } "{ $title }" (queue { $queue }), { $target ->
        [first_response] first response
       *[resolution] resolution
    } deadline { $deadline }

# Mail outbox for administrators.
admin-nav-mail = Mail
admin-mail-title = Outgoing mail
admin-mail-smtp-off = No SMTP server is configured, so mail waits in the queue. Set smtp_host and smtp_from in the settings.
admin-mail-created = Created
admin-mail-recipient = Recipient
admin-mail-subject = Subject
admin-mail-state = State
admin-mail-state-pending = Queued
admin-mail-state-failed = Failed, will retry
admin-mail-state-sent = Sent
admin-mail-attempts = Attempts
admin-mail-next = Next attempt / sent
admin-mail-ticket = Ticket
admin-mail-empty = No mail.

# SLA reports.
error-month-format = Invalid month "{ $value }": write it as YYYY-MM, such as 2026-03.
sla-report-title = SLA report
sla-report-month = Month
sla-report-explain = Tickets created in this month (Moscow time). MTTA and MTTR are the mean times to the first response and to resolution, in business minutes of each ticket's calendar.
sla-report-by-client = By client
sla-report-by-queue = By queue
sla-report-tickets = Tickets
sla-report-mtta = MTTA, min
sla-report-mttr = MTTR, min
sla-report-breached = With an SLA breach
sla-report-compliance = SLA compliance
sla-report-total = Total
sla-report-no-client = No client
sla-report-empty = No tickets in this month.
nav-sla-report = SLA report
