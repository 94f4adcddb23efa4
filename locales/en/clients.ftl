# Client pages: the list, the card, the forms and the change log.

nav-clients = Clients

clients-title = Clients
clients-new = New client
clients-search = Search
clients-search-hint = Name, INN or phone in any notation
clients-filter-any-kind = Any kind
clients-filter-any-status = Any status
clients-count = { $count ->
        [one] { $count } client
       *[other] { $count } clients
    }
clients-empty = No clients match. Change the search or the filters.

client-new-title = New client
client-edit-title = Edit client
client-card-title = Client
client-back-to-list = ← All clients
client-back-to-card = ← Back to the card
client-edit = Edit
client-save = Save
client-version-invalid = The form arrived without the card's version (got "{ $value }"). Reload the page and try again.
client-duplicate = A client with INN { $inn } and KPP { $kpp } already exists: "{ $name }" (no. { $id }). Open its card instead of creating another one. A branch is a separate client only with its own KPP.
client-date-invalid = Date "{ $value }" is invalid. Enter it as YYYY-MM-DD, for example 2026-12-05.
client-manager-none = Not assigned
client-requisites-hint = Fill in what the client's kind has: a legal entity has a KPP and an OGRN, an entrepreneur an OGRNIP in the OGRN field, a self-employed or a private person only an INN. Bank details are optional, but an account needs a BIK.
client-phone-duplicates = Other clients have this phone number. Check that this is not the same client:
client-phone-extension = ext. { $extension }

client-section-requisites = Requisites
client-section-contacts = Contacts and addresses
client-section-people = Contact persons
client-section-history = Requisites over time
client-section-log = Change log

client-field-kind = Kind
client-field-name = Name
client-field-status = Status
client-field-inn = INN
client-field-kpp = KPP
client-field-ogrn = OGRN / OGRNIP
client-field-bik = BIK
client-field-settlement_account = Settlement account
client-field-correspondent_account = Correspondent account
client-field-legal_address = Legal address
client-field-postal_address = Postal address
client-field-phone = Phone
client-field-phone_extension = Extension
client-field-email = E-mail
client-field-manager = Account manager
client-field-position = Position

client-kind-legal_entity = Legal entity
client-kind-entrepreneur = Individual entrepreneur
client-kind-self_employed = Self-employed
client-kind-person = Private person

client-status-prospect = Prospect
client-status-active = Active
client-status-suspended = Suspended
client-status-closed = Closed

client-contact-name = Full name
client-contact-add = Add contact
client-contact-remove = Remove
client-contacts-empty = No contact persons yet.

client-valid-from = From
client-valid-to = To
client-valid-now = in force
client-history-empty = No requisites recorded.

client-log-empty = No changes recorded.
client-action-client-create = Client created
client-action-client-update = Card changed
client-action-client-contact_add = Contact added
client-action-client-contact_remove = Contact removed

client-done-created = The client is created.
client-done-saved = The card is saved.
client-done-contact-added = The contact is added.
client-done-contact-removed = The contact is removed.
client-phone-placeholder = +7 495 123-45-67 ext. 12
