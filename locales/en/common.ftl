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
error-too-large = The request body is larger than allowed: at most { $limit } bytes. Send less data or split the request.
error-too-large-received = The request body has { $received } bytes, but at most { $limit } are allowed. Send less data or split the request.
error-unauthorized = Sign in, or send an API token in the Authorization: Bearer header.
error-token-invalid = The API token is not valid: it was revoked, its user is disabled, or it was mistyped. Create a new token.
error-forbidden = You are not allowed to do this. Ask an administrator if you need access.
error-media-type = The request body must be JSON with the header Content-Type: application/json.
error-timeout = The request took too long. Try again later.
error-bad-request = Malformed request.
error-internal = Internal server error. It was logged; try again later.
error-csrf = The form is outdated or was sent from another site (no CSRF token). Reload the page and submit the form again.
error-json-syntax = The request body is not valid JSON: parsing stopped at line { $line }, column { $column }. Check the quotes, commas and brackets near there.
error-json-missing = The required field "{ $field }" is missing. Add it to the JSON.
error-json-unknown-field = Unknown field "{ $field }". Allowed fields: { $allowed }.
error-json-duplicate = The field "{ $field }" appears twice in the JSON. Keep one.
error-json-unknown-variant = The value "{ $value }" of the field "{ $field }" is not allowed. Allowed values: { $allowed }.
error-json-type = The field "{ $field }" must be { $expected ->
    [integer] an integer
    [unsigned] a non-negative integer
    [number] a number
    [boolean] true or false
    [string] a string in quotes
    [array] an array [ … ]
    [object] an object { "{" } … { "}" }
    [datetime] an RFC 3339 date and time such as 2026-03-01T10:15:00+03:00
    [date] a date as YYYY-MM-DD such as 2026-03-01
   *[other] a value of another kind (see /api/openapi.json)
}, but received: { $value } ({ $received ->
    [string] a string
    [integer] an integer
    [float] a fractional number
    [boolean] a boolean
    [null] null
    [array] an array
    [object] an object
   *[other] a value of another kind
}).
error-json-body-type = The request body must be a JSON object with fields, but received { $received ->
    [string] a string
    [integer] an integer
    [float] a fractional number
    [boolean] a boolean
    [null] null
    [array] an array
   *[other] a value of another kind
}. The fields and their types are in /api/openapi.json.
error-json-invalid = The value of the field "{ $field }" is invalid. Check its format in /api/openapi.json.
error-form-media-type = A form must be sent with Content-Type: application/x-www-form-urlencoded. Submit it from a Vitrina page.
error-form-missing = The form has no "{ $field }" field. Reload the page and submit the form again.
error-form-value = The field "{ $field }" has an invalid value "{ $value }". Correct it and submit the form again.
error-query-duplicate = The query parameter "{ $parameter }" is given more than once: { $values }. Give it once.
error-query-missing = The required query parameter "{ $parameter }" is missing. Add it to the URL.
error-query-unknown = Unknown query parameter "{ $parameter }". Allowed parameters: { $allowed }.
error-query-unknown-variant = The value "{ $value }" of the query parameter "{ $parameter }" is not allowed. Allowed values: { $allowed }.
error-query-value = The query parameter "{ $parameter }" has an invalid value "{ $value }". { $expected ->
    [boolean] Give true or false.
    [integer] Give a whole number.
    [number] Give a number.
    [date] Give a date as YYYY-MM-DD, such as 2026-03-01.
   *[other] Correct it and repeat the request.
}
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
