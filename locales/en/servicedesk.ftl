# Service desk: ticket errors, history lines, Zabbix webhook answers.

error-unknown-queue = The queue "{ $value }" does not exist. Choose one of L1, L2, infrastructure, development.
error-assignee-not-member = The user { $login } is not a member of the queue { $queue }. Choose an assignee from that queue or change the queue first.
error-transition-needs-assignee = Assign the ticket to someone before moving it to "{ $to }".
error-invalid-transition = Moving from "{ $from }" to "{ $to }" is not allowed. The allowed changes are the buttons on the card; reload it if someone else has changed it.
error-link-self = A ticket cannot be linked to itself.

error-zabbix-not-configured = Receiving Zabbix events is not configured: set the secret VITRINA_ZABBIX_WEBHOOK_SECRET.
error-zabbix-secret = Wrong or missing secret in the Authorization: Bearer header. Check the media type parameter vitrina_secret in Zabbix.
error-zabbix-not-object = The delivery body must be a JSON object of the media type's parameters.
error-zabbix-event-id = The parameter event_id must be a number (a Zabbix event id), got "{ $value }".
error-zabbix-event-value = The parameter event_value must be 0 (recovery) or 1 (problem), got "{ $value }".

zabbix-test-received = The connection to Vitrina works. This is a test from Zabbix: no ticket was created.
zabbix-ignored-source = Not a trigger event: the delivery is stored and no ticket is created.
zabbix-ticket-created = Ticket { $number } created.
zabbix-ticket-updated = Ticket { $number } updated.
zabbix-ticket-repeat = Repeated delivery for ticket { $number } recorded in its history.

history-zabbix-repeat = Zabbix sent this event again; the ticket did not change.
history-zabbix-update = The event was updated in Zabbix.
history-zabbix-created-from-update = Ticket created from an event update: the problem message never arrived.
history-zabbix-created-from-recovery = Ticket created and resolved from a recovery message: the problem message never arrived (Vitrina was unavailable).
history-zabbix-recovered = The problem recovered in Zabbix; the ticket was resolved automatically because nobody had worked on it yet.
history-zabbix-recovery-while-worked = The problem recovered in Zabbix, but someone is working on the ticket: the status was not changed.
history-zabbix-recovery-after-close = Zabbix reported a recovery for a ticket already resolved or closed; nothing changed.
history-zabbix-severity = The event severity was changed in Zabbix.
history-zabbix-flapping = The problem came back soon after recovering: the ticket was reopened.
history-auto-closed = The ticket closed automatically after its waiting time in "resolved".
history-client-answered = The client answered: the ticket is back in progress and the SLA clock runs again.
error-zabbix-parameter-range = The parameter { $name } must be a whole number from { $min } to { $max }, got "{ $value }". Check the media type's parameters in Zabbix.
error-queue-has-assigned-tickets = The user still has { $count } open tickets in the queue { $queue }. Reassign them to another member of the queue, then remove the user from it.

# Messages Vitrina writes into Zabbix events through event.acknowledge.
zabbix-message-acknowledged = Taken in Vitrina by { $name } ({ $login }), ticket { $number }: { $url }
zabbix-message-closed = Resolved in Vitrina by { $name } ({ $login }), ticket { $number }: { $url }. Problem closed from Vitrina.
zabbix-message-resolved = Resolved in Vitrina by { $name } ({ $login }), ticket { $number }: { $url }. The trigger does not allow closing the problem by hand, so it closes when Zabbix records the recovery.
