# E-mail notifications. Subjects carry the ticket number; bodies are plain text.
mail-ticket-comment-subject = [{ $number }] Новый ответ: { $title }
mail-ticket-comment-body =
    Здравствуйте!

    { $author } ответил(а) по заявке { $number } «{ $title }»:

    { $comment }

    Заявка: { $url }

    Это письмо отправлено автоматически, отвечать на него не нужно.
mail-ticket-resolved-subject = [{ $number }] Заявка решена: { $title }
mail-ticket-resolved-body =
    Здравствуйте!

    Заявка { $number } «{ $title }» решена ({ $author }).
    Если проблема осталась, ответьте в заявке, и мы откроем её снова.

    Заявка: { $url }

    Это письмо отправлено автоматически, отвечать на него не нужно.
mail-ticket-assigned-subject = [{ $number }] Вам назначена заявка: { $title }
mail-ticket-assigned-body =
    { $author } назначил(а) вам заявку { $number } «{ $title }».

    Заявка: { $url }
mail-ticket-escalated-subject = [{ $number }] Эскалация, уровень { $level }: { $title }
mail-ticket-escalated-body =
    Заявка { $number } «{ $title }» в очереди { $queue } достигла уровня эскалации { $level }.
    Срок { $target ->
        [first_response] первого ответа
       *[resolution] решения
    }: { $deadline }.

    Заявка: { $url }

# In-app notifications and the header bell.
nav-notifications = Уведомления
notifications-title = Уведомления
notifications-empty = Уведомлений нет.
notifications-read = Прочитано
notifications-read-all = Отметить все прочитанными
notification-ticket_assigned = { $author } назначил(а) вам заявку { $number } «{ $title }»
notification-ticket_escalated = Эскалация уровня { $level }: заявка { $number } «{ $title }» (очередь { $queue }), срок { $target ->
        [first_response] первого ответа
       *[resolution] решения
    } { $deadline }

# Mail outbox for administrators.
admin-nav-mail = Почта
admin-mail-title = Исходящая почта
admin-mail-smtp-off = SMTP-сервер не настроен: письма ждут в очереди. Задайте smtp_host и smtp_from в настройках.
admin-mail-created = Создано
admin-mail-recipient = Получатель
admin-mail-subject = Тема
admin-mail-state = Состояние
admin-mail-state-pending = В очереди
admin-mail-state-failed = Ошибка, повтор
admin-mail-state-sent = Отправлено
admin-mail-attempts = Попыток
admin-mail-next = Следующая попытка / отправлено
admin-mail-ticket = Заявка
admin-mail-empty = Писем нет.

# SLA reports.
error-month-format = Неверный месяц «{ $value }»: укажите его в виде ГГГГ-ММ, например 2026-03.
sla-report-title = Отчёт по SLA
sla-report-month = Месяц
sla-report-explain = Заявки, созданные в этом месяце (время московское). MTTA и MTTR — среднее время до первого ответа и до решения в рабочих минутах календаря заявки.
sla-report-by-client = По клиентам
sla-report-by-queue = По очередям
sla-report-tickets = Заявок
sla-report-mtta = MTTA, мин
sla-report-mttr = MTTR, мин
sla-report-breached = С нарушением SLA
sla-report-compliance = Соблюдение SLA
sla-report-total = Итого
sla-report-no-client = Без клиента
sla-report-empty = В этом месяце заявок нет.
nav-sla-report = Сроки обслуживания
