# Accounts: roles, profile, API tokens; administration: users, audit log, Zabbix deliveries.

## Roles

role-admin = Administrator
role-support = Support engineer
role-support_lead = Support lead
role-developer = Developer
role-analyst = Analyst
role-sales = Sales manager
role-client_admin = Client administrator
role-client_user = Client employee

## Profile

profile-title = Profile
profile-login = Login
profile-name = Name
profile-email = E-mail
profile-role = Role
profile-language = Interface language
profile-save = Save
profile-password = Change password
profile-password-current = Current password
profile-password-new = New password
profile-password-confirm = New password again
profile-password-policy = At least 12 characters; a phrase of several words works well. Changing the password ends all your other sessions.
profile-password-submit = Change password
profile-password-wrong = The current password is wrong.
profile-password-mismatch = The passwords do not match. Enter the same new password twice.
profile-done-password = Password changed. Your other sessions have ended.
profile-done-token-revoked = Token revoked.

## API tokens

token-title = API tokens
token-hint = Send the token in the Authorization: Bearer header. The secret is shown once, when the token is created; keep it in a password manager.
token-name = Name
token-name-hint = What the token is for, such as "export script"
token-prefix = Starts with
token-created = Created
token-last-used = Last used
token-state = State
token-active = Active
token-revoked-at = Revoked { $at }
token-revoke = Revoke
token-create = Create token
token-none = No tokens.
token-issued = Token "{ $name }" created. Copy its secret:
secret-shown-once = This secret will not be shown again: once you leave this page it cannot be recovered.

## Administration

admin-nav-users = Users
admin-nav-audit = Audit log
admin-nav-zabbix = Zabbix deliveries
admin-users-title = Users
admin-user-title = User
admin-back-to-users = ← Back to users
admin-user-login = Login
admin-user-name = Name
admin-user-email = E-mail
admin-user-role = Role
admin-user-client = Client company
admin-user-client-hint = Client roles only.
admin-user-queues = Queues
admin-user-queues-hint = Only a member of a ticket's queue can be its assignee. Clients belong to no queue.
admin-user-state = State
admin-user-active = Active
admin-user-disabled = Disabled
admin-user-password = Password
admin-user-password-hint = Leave empty to have Vitrina generate a password and show it once.
admin-user-create = New user
admin-user-create-submit = Create user
admin-user-created-password = User { $login } created. The password:
admin-user-open = Open user { $login }
admin-user-edit = User details
admin-user-disable = Disable: sign-in and API tokens stop working
admin-save = Save
admin-reload = Open the current version
admin-password-reset = Password reset
admin-password-reset-hint = Vitrina generates a new password and shows it once; all the user's sessions end.
admin-password-reset-submit = Generate a new password
admin-password-generated = The user's new password:
admin-done-user-created = User created.
admin-done-user-saved = Changes saved.
admin-error-email = "{ $value }" does not look like an e-mail address: it has no @.
admin-error-client-required = Choose the client company for a client role.
admin-error-client-unknown = No client company has the number { $value }.
admin-error-self = You cannot disable your own account or remove your own administrator role: you would lose access to this page.

admin-audit-title = Audit log
admin-audit-object-type = Object type
admin-audit-object-id = Object ID
admin-audit-actor = Who
admin-audit-actor-hint = a login, zabbix or system
admin-audit-at = When
admin-audit-action = Action
admin-audit-object = Object
admin-audit-old = Old
admin-audit-new = New
admin-audit-empty = No entries.
admin-audit-count = { $count ->
    [one] { $count } entry
   *[other] { $count } entries
}

admin-zabbix-title = Zabbix deliveries
admin-zabbix-received = Received
admin-zabbix-event = Event
admin-zabbix-kind = Kind
admin-zabbix-status = State
admin-zabbix-ticket = Ticket
admin-zabbix-processed = Processed
admin-zabbix-body = Delivery body
admin-zabbix-empty = No deliveries.
zabbix-status-received = Received
zabbix-status-processed = Processed
zabbix-status-repeat = Repeat
zabbix-status-ignored = Ignored
zabbix-status-test = Test
zabbix-status-failed = Failed
