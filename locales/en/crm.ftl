# Error messages of the commercial area, the SLA, calendars, money and VAT.
# Arguments: $value is the value entered, $length how many characters it has, $expected how
# many are needed, $char and $position the character that is not allowed and its position.

## Requisites

crm-requisite-not-for-kind = A client of kind "{ $kind ->
        [legal_entity] legal entity
        [entrepreneur] individual entrepreneur
        [self_employed] self-employed
       *[person] private person
    }" has no such requisite, but "{ $value }" was entered. Clear the field or change the client kind.

crm-inn-not-digits = An INN has digits only, but "{ $value }" has "{ $char }" at position { $position }. Remove letters, spaces and signs.
crm-inn-length = INN "{ $value }" has { $length } { $length ->
        [one] digit
       *[other] digits
    }, but this client kind needs { $expected }: 10 for a legal entity, 12 for an entrepreneur, a self-employed or a private person.
crm-inn-length-any = INN "{ $value }" has { $length } { $length ->
        [one] digit
       *[other] digits
    }, but an INN has 10 (legal entity) or 12 (private person or entrepreneur).
crm-inn-all-zeros = INN "{ $value }" is all zeros. Enter the client's real INN.
crm-inn-checksum = The check digits of INN "{ $value }" do not match. Compare the number with the document: it most likely has a typo.

crm-kpp-cyrillic = KPP "{ $value }" has the Cyrillic letter "{ $char }" at position { $position }. A KPP allows capital Latin letters only: type it in the English layout.
crm-kpp-lowercase = KPP "{ $value }" has the lower-case letter "{ $char }" at position { $position }. Type it as a capital Latin letter.
crm-kpp-format = KPP "{ $value }" does not match the format NNNNPPNNN: position { $position } has "{ $char }". Letters are allowed at positions 5 and 6 only; everything else is digits.
crm-kpp-length = KPP "{ $value }" has { $length } { $length ->
        [one] character
       *[other] characters
    }, but it needs { $expected }.
crm-kpp-all-zeros = KPP "{ $value }" is all zeros. Enter the KPP from the registration certificate or the register extract.

crm-ogrn-not-digits = An OGRN has digits only, but "{ $value }" has "{ $char }" at position { $position }. Remove letters, spaces and signs.
crm-ogrn-length = { $expected ->
        [15] OGRNIP
       *[other] OGRN
    } "{ $value }" has { $length } { $length ->
        [one] digit
       *[other] digits
    }, but it needs { $expected }: 13 for a legal entity (OGRN), 15 for an entrepreneur (OGRNIP).
crm-ogrn-length-any = Number "{ $value }" has { $length } { $length ->
        [one] digit
       *[other] digits
    }, but an OGRN has 13 digits and an OGRNIP 15.
crm-ogrn-all-zeros = OGRN "{ $value }" is all zeros. Enter the real number from the state register extract.
crm-ogrn-first-digit = A legal entity's OGRN starts with 1 or 5, but "{ $value }" does not. Check the number: it may be an OGRNIP or a register entry number.
crm-ogrnip-first-digit = An OGRNIP starts with 3, but "{ $value }" does not. Check the number against the register extract.
crm-ogrn-checksum = The check digit of number "{ $value }" does not match. Compare it with the register extract: it most likely has a typo.

crm-bik-not-digits = A BIK has digits only, but "{ $value }" has "{ $char }" at position { $position }.
crm-bik-length = BIK "{ $value }" has { $length } { $length ->
        [one] digit
       *[other] digits
    }, but it needs { $expected }.
crm-bik-all-zeros = BIK "{ $value }" is all zeros. Enter the bank's BIK from its requisites.
crm-bik-prefix = BIK "{ $value }" must start with 04 (a bank) or with 00 or 01 (the treasury). Compare it with the bank's requisites.

crm-account-not-digits = An account number has digits only, but "{ $value }" has "{ $char }" at position { $position }. Remove spaces and signs.
crm-account-length = Account "{ $value }" has { $length } { $length ->
        [one] digit
       *[other] digits
    }, but it needs { $expected }.
crm-account-all-zeros = Account "{ $value }" is all zeros. Enter the account number from the requisites.
crm-account-checksum = Account "{ $value }" does not match BIK { $bik } by the control key. Check both numbers: either may be wrong.

## Phones

crm-phone-invalid-char = Phone number "{ $value }" has the character "{ $char }", which is not allowed. Keep digits, "+", spaces, brackets and hyphens; put an extension after "ext.".
crm-phone-length = Phone number "{ $value }" has { $length } { $length ->
        [one] digit
       *[other] digits
    }. Enter a Russian number as +7 and 10 digits or 8 and 10 digits, a foreign one with "+" and the country code.
crm-phone-extension = Phone number "{ $value }" needs the extension's digits after the extension word.
crm-phone-country-code = The country code in "{ $value }" cannot start with 0. Enter the number with "+" and the country code.

## Client cards

crm-manager-invalid = "{ $value }" is not an active staff user, so it cannot be the account manager. Enter the login of a sales manager or another staff member.
crm-email-invalid = E-mail "{ $value }" is invalid: it needs a name, "@" and a domain with a dot, without spaces, for example sales@example.ru.
crm-contact-unreachable = The contact has neither a phone nor an e-mail. Enter at least one of them.

## Deals, tariffs, contracts, claims

crm-deal-lost-comment = For the reason "other", add a comment on why the deal was lost.

crm-limit-reached = The plan's limit is reached: { $kind ->
        [products] products
        [orders_per_month] orders per month
        [staff_accounts] staff accounts
       *[storage_bytes] storage (bytes)
    } { $limit }, used { $used }. Move to a plan with a higher limit or free some room.
crm-plan-code = Plan code "{ $value }" is invalid: use 2 to 32 lower-case Latin letters, digits and hyphens, not starting with a hyphen.
crm-plan-code-changed = A plan's code cannot change: it was "{ $code }", "{ $value }" was entered. Create a new plan with the new code.
crm-plan-version-date = Contracts use this plan, so the changes become a new version. It must start after { $start }, but { $value } was given.
crm-price-negative = A price cannot be negative, but { $value } was given.
crm-end-before-start = End date { $end } is before start date { $start }. Correct one of the dates.

crm-contract-series = Contract series "{ $value }" is invalid: use 1 to 10 capital letters or digits.
crm-contract-sequence = Contract sequence number { $value } is invalid: numbers start at 1.
crm-contract-number = Contract number "{ $value }" is not recognised. Enter the series and the number with a hyphen, for example ДУ-00042.
crm-contract-not-concluded = A contract cannot become active without a signing date or a record of the offer's acceptance. Enter one of them.
crm-vat-exemption-taxed = A VAT exemption basis applies only to a price without VAT. Remove the basis or choose "without VAT".
crm-amendment-empty = The amendment changes nothing. Say which terms it changes: plan, price, limits, term or SLA.

crm-claim-amount = The claimed amount must be above zero, but { $value } was given.
crm-claim-outcome = { $status ->
        [accepted] A fully accepted claim's outcome equals the claimed amount ({ $claimed }), but { $value } was given.
        [partly_accepted] A partly accepted claim's outcome must be above zero and below the claimed amount ({ $claimed }), but { $value } was given.
       *[rejected] A rejected claim's outcome is zero, but { $value } was given.
    }
crm-claim-term = The claim's answer term must be at least one day, but { $days } was given.

## Money and VAT

money-invalid = Amount "{ $value }" is not recognised. Enter roubles as a number, for example 1 234,56.
money-fraction = Amount "{ $value }" has more than two digits after the decimal separator. Kopecks have two digits at most.
vat-no-rate = There is no { $category ->
        [standard] standard
        [reduced] reduced
        [zero] 0 %
        [simplified5] simplified-tax 5 %
       *[simplified7] simplified-tax 7 %
    } VAT rate on { $date }. Add the rate to the rate table or check the date.

## Calendars and SLA

calendar-hours-format = Working hours "{ $value }" are not recognised. Enter them as HH:MM-HH:MM, for example 09:00-18:00.
calendar-hours-order = The end { $end } must be after the start { $start } and no later than 24:00.
calendar-never-open = The calendar has no working day in the week. Set hours for at least one day.
calendar-shortened-on-24x7 = A 24×7 calendar does not shorten pre-holiday days. Clear the "shortened days" option.
calendar-duplicate-date = Date { $date } appears twice in the calendar's exceptions. Keep one entry.
calendar-csv-invalid = Line { $line } of the calendar file is not recognised ({ $column ->
        [date] date
        [kind] day kind
        [hours] hours
        [header] header
       *[columns] number of columns
    }): "{ $value }". The first line after the comments is the header date,kind,hours,note, then lines of date,kind,hours,note.

sla-target-zero = The SLA target for { $priority } must be above zero.
sla-response-after-resolution = The first-response target for { $priority } is longer than the resolution target. Shorten the response target or lengthen the resolution target.
