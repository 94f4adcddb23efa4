# Сервис-деск: ошибки заявок, строки истории, ответы вебхука Zabbix.

error-unknown-queue = Очередь «{ $value }» не существует. Выберите одну из очередей: L1, L2, infrastructure, development.
error-assignee-not-member = Пользователь { $login } не состоит в очереди { $queue }. Выберите исполнителя из этой очереди или сначала смените очередь.
error-transition-needs-assignee = Чтобы перевести заявку в статус «{ $to }», назначьте исполнителя.
error-invalid-transition = Переход из статуса «{ $from }» в «{ $to }» не разрешён. Разрешённые переходы — кнопки на карточке; обновите её, если кто-то уже изменил статус.
error-link-self = Нельзя связать заявку саму с собой.

error-zabbix-not-configured = Приём событий Zabbix не настроен: задайте секрет VITRINA_ZABBIX_WEBHOOK_SECRET.
error-zabbix-secret = Неверный или отсутствующий секрет в заголовке Authorization: Bearer. Проверьте параметр vitrina_secret типа оповещений в Zabbix.
error-zabbix-not-object = Тело доставки должно быть JSON-объектом с параметрами типа оповещений.
error-zabbix-event-id = Параметр event_id должен быть числом (идентификатором события Zabbix), получено «{ $value }».
error-zabbix-event-value = Параметр event_value должен быть 0 (восстановление) или 1 (проблема), получено «{ $value }».

zabbix-test-received = Связь с Витриной работает. Это тестовая отправка из Zabbix: заявка не создана.
zabbix-ignored-source = Событие не от триггера: доставка сохранена, заявка не создаётся.
zabbix-ticket-created = Создана заявка { $number }.
zabbix-ticket-updated = Заявка { $number } обновлена.
zabbix-ticket-repeat = Повторная доставка для заявки { $number } записана в историю.

history-zabbix-repeat = Zabbix повторно прислал это событие; заявка не изменилась.
history-zabbix-update = Обновление события в Zabbix.
history-zabbix-created-from-update = Заявка создана по обновлению события: сообщение о проблеме не было получено.
history-zabbix-created-from-recovery = Заявка создана и решена по сообщению о восстановлении: сообщение о проблеме не было получено (Витрина была недоступна).
history-zabbix-recovered = Проблема в Zabbix устранена; заявка решена автоматически, так как с ней ещё никто не работал.
history-zabbix-recovery-while-worked = Проблема в Zabbix устранена, но заявка в работе у сотрудника: статус не изменён.
history-zabbix-recovery-after-close = Zabbix сообщил о восстановлении уже решённой или закрытой заявки; ничего не изменено.
history-zabbix-severity = Важность события изменена в Zabbix.
history-zabbix-flapping = Проблема повторилась вскоре после восстановления: заявка открыта снова.
history-auto-closed = Заявка закрыта автоматически после срока ожидания в статусе «решена».
history-client-answered = Клиент ответил: заявка снова в работе, часы SLA пошли.
error-zabbix-parameter-range = Параметр { $name } должен быть целым числом от { $min } до { $max }, получено «{ $value }». Проверьте параметры типа оповещений в Zabbix.
error-queue-has-assigned-tickets = У пользователя ещё есть открытые заявки в очереди { $queue }: { $count }. Передайте их другому участнику очереди, затем исключите пользователя из неё.

# Messages Vitrina writes into Zabbix events through event.acknowledge.
zabbix-message-acknowledged = Взято в работу в Витрине: { $name } ({ $login }), заявка { $number }: { $url }
zabbix-message-closed = Решено в Витрине: { $name } ({ $login }), заявка { $number }: { $url }. Проблема закрыта из Витрины.
zabbix-message-resolved = Решено в Витрине: { $name } ({ $login }), заявка { $number }: { $url }. Триггер не разрешает закрывать проблему вручную: она закроется, когда Zabbix зафиксирует восстановление.
