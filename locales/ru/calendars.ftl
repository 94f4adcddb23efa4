## Календари (администрирование)

admin-nav-calendars = Календари
admin-calendars-title = Календари
admin-calendar-code = Код
admin-calendar-name = Название
admin-calendar-zone-label = Часовой пояс (IANA)
admin-calendar-week = Рабочие часы
admin-calendar-hours-hint = Часы как ЧЧ:ММ-ЧЧ:ММ, пусто — выходной; 00:00-24:00 — круглосуточно.
admin-calendar-shortened = Сокращать предпраздничные дни на час
admin-calendar-save = Сохранить календарь
admin-calendar-year-label = Год
admin-calendar-year-confirmed = Год подтверждён
admin-calendar-year-unconfirmed = Год введён, но не подтверждён
admin-calendar-year-statutory = Постановления ещё нет: действуют праздники ст. 112 ТК РФ, год не подтверждён
admin-calendar-year-none = Исключений нет
admin-calendar-working-days = { $count ->
        [one] { $count } рабочий день
        [few] { $count } рабочих дня
       *[many] { $count } рабочих дней
    }
admin-calendar-confirm = Подтвердить год
admin-calendar-date = Дата
admin-calendar-kind-label = Вид
admin-calendar-kind-holiday = Нерабочий день
admin-calendar-kind-working_day = Рабочий день (перенос)
admin-calendar-kind-shortened = Сокращённый день
admin-calendar-hours = Часы
admin-calendar-note = Примечание
admin-calendar-remove = Удалить
admin-calendar-add = Добавить исключение
admin-calendar-no-exceptions = Исключений в этом году нет.
admin-calendar-zone = Часовой пояс «{ $value }» не найден в базе IANA. Введите его как Europe/Moscow или Asia/Yekaterinburg.
admin-calendar-day-mon = Понедельник
admin-calendar-day-tue = Вторник
admin-calendar-day-wed = Среда
admin-calendar-day-thu = Четверг
admin-calendar-day-fri = Пятница
admin-calendar-day-sat = Суббота
admin-calendar-day-sun = Воскресенье
