## Calendars (administration)

admin-nav-calendars = Calendars
admin-calendars-title = Calendars
admin-calendar-code = Code
admin-calendar-name = Name
admin-calendar-zone-label = Time zone (IANA)
admin-calendar-week = Working hours
admin-calendar-hours-hint = Hours as HH:MM-HH:MM, empty for a day off; 00:00-24:00 for around the clock.
admin-calendar-shortened = Shorten pre-holiday days by one hour
admin-calendar-save = Save the calendar
admin-calendar-year-label = Year
admin-calendar-year-confirmed = The year is confirmed
admin-calendar-year-unconfirmed = The year is entered but not confirmed
admin-calendar-year-statutory = No decree yet: the holidays of Labour Code art. 112 apply and the year is unconfirmed
admin-calendar-year-none = No exceptions
admin-calendar-working-days = { $count ->
        [one] { $count } working day
       *[other] { $count } working days
    }
admin-calendar-confirm = Confirm the year
admin-calendar-date = Date
admin-calendar-kind-label = Kind
admin-calendar-kind-holiday = Day off
admin-calendar-kind-working_day = Working day (transferred)
admin-calendar-kind-shortened = Shortened day
admin-calendar-hours = Hours
admin-calendar-note = Note
admin-calendar-remove = Remove
admin-calendar-add = Add an exception
admin-calendar-no-exceptions = No exceptions this year.
admin-calendar-zone = Time zone "{ $value }" is not in the IANA database. Enter it as Europe/Moscow or Asia/Yekaterinburg.
admin-calendar-day-mon = Monday
admin-calendar-day-tue = Tuesday
admin-calendar-day-wed = Wednesday
admin-calendar-day-thu = Thursday
admin-calendar-day-fri = Friday
admin-calendar-day-sat = Saturday
admin-calendar-day-sun = Sunday
