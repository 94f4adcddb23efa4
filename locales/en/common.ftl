# Shared interface strings: navigation, login, error page, common errors.

nav-toggle = Menu
nav-tickets = Tickets
nav-my-tickets = My tickets
nav-new-ticket = New ticket
nav-admin = Administration
nav-logout = Log out

login-title = Sign in to Vitrina
login-login = Login
login-password = Password
login-submit = Sign in
login-failed = Wrong login or password. Check the keyboard layout and try again.
login-locked = Too many failed sign-in attempts in the last hour. Wait an hour or ask an administrator to reset the password.

error-page-title = Error
error-page-home = Home
error-page-tickets = To tickets

tickets-count = { $count ->
    [one] { $count } ticket
   *[other] { $count } tickets
}

error-not-found = Not found. The object does not exist or you have no access to it.
error-method-not-allowed = This HTTP method is not supported here.
error-too-large = The request body is larger than allowed (1 MiB). Send less data or split the request.
error-unauthorized = Sign in, or send an API token in the Authorization: Bearer header.
error-token-invalid = The API token is not valid: it was revoked, its user is disabled, or it was mistyped. Create a new token.
error-forbidden = You are not allowed to do this. Ask an administrator if you need access.
error-media-type = The request body must be JSON with the header Content-Type: application/json.
error-timeout = The request took too long. Try again later.
error-bad-request = Malformed request.
error-internal = Internal server error. It was logged; try again later.
error-csrf = The form is outdated or was sent from another site (no CSRF token). Reload the page and submit the form again.
error-json-syntax = The request body is not valid JSON: { $detail }
error-json-field = Invalid value in the JSON: { $detail }
error-form-media-type = A form must be sent with Content-Type: application/x-www-form-urlencoded. Submit it from a Vitrina page.
error-form-missing = The form has no "{ $field }" field. Reload the page and submit the form again.
error-form-value = The field "{ $field }" has an invalid value "{ $value }". Correct it and submit the form again.
error-missing = The field is empty. Enter a value.
error-not-one-of = The value "{ $value }" is not allowed. Allowed values: { $allowed }.
error-out-of-range = The value "{ $value }" is out of range: from { $min } to { $max }.
error-too-long = The text is too long: at most { $max } characters are allowed.
error-duplicate = The value "{ $value }" already exists. Choose another one.
error-duplicate-generic = Such a record already exists.
error-conflict = Someone else changed this record (your version { $expected }, current { $current }). Reload the page, check the changes and save again.

error-login-length = The login "{ $value }" must be 2 to 64 characters long.
error-login-chars = The login "{ $value }" contains the character "{ $char }", which is not allowed. Use Latin letters, digits and . _ - @.
error-password-short = The password is too short: { $length } characters. Use at least { $min }; a phrase of several words works well.
error-password-long = The password is too long: at most { $max } characters are allowed.
error-client-role-mismatch = Client roles (client_admin, client_user) need a client company, and staff roles must not have one.
error-unknown-user = The user "{ $value }" does not exist, is disabled, or is not staff.
error-forbidden-character = The text contains the control or direction character { $code }, which cannot be stored. Remove it and try again.
