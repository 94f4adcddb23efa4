# Страницы заявок: список, «Мои заявки», карточка заявки, создание.

tickets-title = Заявки
my-title = Мои заявки
my-assigned = Назначены на меня
my-unassigned = Без исполнителя в моих очередях
ticket-page-title = Заявка
ticket-new-title = Новая заявка

## Названия значений

ticket-status-new = Новая
ticket-status-assigned = Назначена
ticket-status-in_progress = В работе
ticket-status-pending = Ожидание
ticket-status-resolved = Решена
ticket-status-closed = Закрыта
ticket-status-cancelled = Отменена

ticket-kind-incident = Инцидент
ticket-kind-request = Запрос
ticket-kind-question = Вопрос
ticket-kind-problem = Проблема
ticket-kind-bug = Дефект

ticket-priority-P1 = P1 — критический
ticket-priority-P2 = P2 — высокий
ticket-priority-P3 = P3 — средний
ticket-priority-P4 = P4 — низкий

ticket-source-portal = Портал клиента
ticket-source-staff = Сотрудник
ticket-source-zabbix = Zabbix
ticket-source-api = API
ticket-source-email = Эл. почта

ticket-pending-client = ответ клиента
ticket-pending-third_party = третья сторона

ticket-link-duplicate_of = Дубликат заявки
ticket-link-caused_by = Вызвана проблемой
ticket-link-relates_to = Связана с
ticket-link-incoming-duplicate_of = Есть дубликат
ticket-link-incoming-caused_by = Вызывает
ticket-link-incoming-relates_to = Связана с

## Список

tickets-column-number = Номер
tickets-column-title = Тема
tickets-column-status = Статус
tickets-column-priority = Приоритет
tickets-column-queue = Очередь
tickets-column-assignee = Исполнитель
tickets-column-source = Источник
tickets-column-updated = Изменена

tickets-sort-created_at-desc = Сначала новые
tickets-sort-created_at-asc = Сначала старые
tickets-sort-updated_at-desc = Недавно изменённые
tickets-sort-updated_at-asc = Давно не менявшиеся
tickets-sort-priority-desc = Сначала низкий приоритет
tickets-sort-priority-asc = Сначала высокий приоритет
tickets-sort-status-desc = Статус: от закрытых к новым
tickets-sort-status-asc = Статус: от новых к закрытым

tickets-filter-status = Статус
tickets-filter-any = Все
tickets-filter-me = Я
tickets-filter-unassigned = Без исполнителя
tickets-filter-text = Поиск
tickets-filter-text-hint = Номер, тема, описание, узел
tickets-filter-sort = Порядок
tickets-filter-per-page = На странице
tickets-filter-apply = Показать
tickets-filter-reset = Сбросить
tickets-empty = Заявок нет.
tickets-pages = Страницы списка
tickets-page-prev = ← Назад
tickets-page-next = Вперёд →
tickets-page-of = Страница { $page } из { $pages }

## Карточка заявки

ticket-back-to-list = ← К списку заявок
ticket-field-kind = Тип
ticket-field-title = Тема
ticket-field-description = Описание
ticket-field-status = Статус
ticket-field-priority = Приоритет
ticket-field-queue = Очередь
ticket-field-assignee = Исполнитель
ticket-field-source = Источник
ticket-field-created = Создана
ticket-field-updated = Изменена
ticket-field-first-response = Первый ответ
ticket-field-resolved = Решена
ticket-field-closed = Закрыта
ticket-field-version = Версия
ticket-unassigned = Не назначен
ticket-no-description = Описания нет.

ticket-zabbix = Событие Zabbix
ticket-zabbix-event = ID события
ticket-zabbix-host-name = Узел
ticket-zabbix-host = Имя узла в Zabbix
ticket-zabbix-started = Начало проблемы

ticket-zabbix-sync = Обратная связь с Zabbix
ticket-zabbix-sync-action-acknowledge = Подтверждение события
ticket-zabbix-sync-action-resolve = Закрытие проблемы
ticket-zabbix-sync-state-pending = ожидает отправки
ticket-zabbix-sync-state-failed = ошибка, будет повторено
ticket-zabbix-sync-state-sent = отправлено
ticket-zabbix-sync-outcome-acknowledged = событие подтверждено
ticket-zabbix-sync-outcome-closed = проблема закрыта
ticket-zabbix-sync-outcome-message = добавлено сообщение: триггер запрещает ручное закрытие
ticket-zabbix-sync-attempts = Попыток
ticket-zabbix-sync-next = Следующая попытка
ticket-zabbix-sync-error = Последняя ошибка

ticket-comments = Комментарии
ticket-no-comments = Комментариев пока нет.
comment-public = Публичный — виден клиенту
comment-internal = Внутренний — только сотрудникам
comment-new = Новый комментарий
comment-submit = Добавить комментарий

ticket-history = История
history-at = Когда
history-actor = Кто
history-field = Что
history-change = Было → стало
history-field-created = Заявка создана
history-field-title = Тема
history-field-priority = Приоритет
history-field-queue = Очередь
history-field-assignee = Исполнитель
history-field-status = Статус
history-field-comment_public = Публичный комментарий
history-field-comment_internal = Внутренний комментарий
history-field-link = Связь
history-field-zabbix = Событие Zabbix
history-field-zabbix_event = Новое событие Zabbix

ticket-actions = Статус
ticket-no-actions = Из этого статуса переходов нет.
ticket-action-in_progress = Взять в работу
ticket-action-reopen = Вернуть в работу
ticket-action-resolved = Решить
ticket-action-closed = Закрыть
ticket-action-cancelled = Отменить
ticket-action-pending-client = Ждать ответа клиента
ticket-action-pending-third_party = Ждать третью сторону

ticket-assignment = Назначение
ticket-assign-submit = Назначить
ticket-take = Взять себе
ticket-edit = Тема и приоритет
ticket-save = Сохранить

ticket-links = Связанные заявки
ticket-no-links = Связей нет.
ticket-link-kind = Вид связи
ticket-link-number = Номер заявки
ticket-link-submit = Связать
ticket-link-not-found = Заявка «{ $value }» не найдена. Проверьте номер, например INC-000123.

ticket-reload = Открыть актуальную версию заявки
ticket-version-invalid = Форма пришла без версии заявки (получено «{ $value }»). Обновите страницу и повторите действие.
ticket-comment-internal-client = Клиенты не могут оставлять внутренние комментарии: их видят только сотрудники поддержки. Отправьте комментарий как публичный.

ticket-done-created = Заявка создана.
ticket-done-comment = Комментарий добавлен.
ticket-done-status = Статус изменён.
ticket-done-saved = Изменения сохранены.
ticket-done-assigned = Назначение изменено.
ticket-done-link = Связь добавлена.

## Создание

ticket-new-submit = Создать заявку
ticket-new-cancel = Отмена
ticket-queue-client-fixed = Клиент не выбирает очередь: заявка попадает на первую линию поддержки. Уберите поле queue (передано «{ $value }»).
ticket-field-client = Клиент
ticket-no-client = Без клиента (внутренняя заявка)
ticket-client-help = Сроки SLA берутся из договора клиента, действующего на момент создания заявки; без клиента — из внутренней политики.
ticket-client-fixed = Заявка клиента всегда относится к его компании. Уберите поле client_id (передано «{ $value }»).
ticket-client-unknown = Клиента с номером «{ $value }» нет. Выберите клиента из списка или оставьте поле пустым.

## Чек-лист заявки
ticket-checklist = Чек-лист
ticket-checklist-new = Новый пункт
ticket-checklist-add = Добавить пункт
ticket-checklist-tick = Выполнено
ticket-checklist-undo = Вернуть в работу
ticket-checklist-state-done = выполнено
ticket-checklist-state-open = не выполнено
ticket-done-checklist = Чек-лист обновлён.
ticket-done-fixed-in = Заявка связана с релизом, который её исправляет.
ticket-checklist-open = Открытых пунктов чек-листа: { $count }, первый из них: «{ $item }». Отметьте все пункты, затем решите заявку.
ticket-checklist-frozen = Чек-лист решённой, закрытой или отменённой заявки изменить нельзя. Сначала верните заявку в работу.
ticket-checklist-full = В чек-листе уже { $max } пунктов, больше добавить нельзя.
history-field-checklist_added = Пункт чек-листа добавлен
history-field-checklist_done = Пункт чек-листа выполнен
history-field-checklist_undone = Пункт чек-листа возвращён в работу
history-field-environment = Окружение создано

## Запрос окружения
environment-request-title = Запрос окружения { $name }
environment-request-kind = Окружение можно запросить только заявкой типа «Запрос», а выбран тип «{ $value }». Выберите тип «Запрос» или очистите имя окружения.
environment-request-check-resources = Выделить ресурсы
environment-request-check-access = Настроить доступы
environment-request-check-services = Развернуть сервисы
environment-request-check-monitoring = Проверить мониторинг
ticket-environment-request = Запрос окружения
ticket-environment-name = Имя окружения
ticket-environment-kind = Тип окружения
ticket-environment-cluster = Кластер (id)
ticket-environment-created = Окружение
ticket-environment-on-resolution = будет создано при решении заявки
ticket-new-environment = Запрос окружения
ticket-new-environment-help = Заполните имя, чтобы заявка типа «Запрос» создала окружение в инвентаре, когда её решат. Заявка получит чек-лист; решить её можно, только когда все пункты выполнены.
