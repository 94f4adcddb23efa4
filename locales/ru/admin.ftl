# Учётные записи: роли, профиль, API-токены; администрирование: пользователи, журнал аудита, доставки Zabbix.

## Роли

role-admin = Администратор
role-support = Инженер поддержки
role-support_lead = Руководитель поддержки
role-developer = Разработчик
role-analyst = Аналитик
role-sales = Менеджер по продажам
role-client_admin = Администратор клиента
role-client_user = Сотрудник клиента

## Профиль

profile-title = Профиль
profile-login = Логин
profile-name = Имя
profile-email = Эл. почта
profile-role = Роль
profile-language = Язык интерфейса
profile-save = Сохранить
profile-password = Смена пароля
profile-password-current = Текущий пароль
profile-password-new = Новый пароль
profile-password-confirm = Новый пароль ещё раз
profile-password-policy = Не короче 12 символов; подойдёт фраза из нескольких слов. После смены пароля все остальные сеансы завершатся.
profile-password-submit = Сменить пароль
profile-password-wrong = Текущий пароль введён неверно.
profile-password-mismatch = Пароли не совпадают. Введите новый пароль дважды одинаково.
profile-done-password = Пароль изменён. Остальные сеансы завершены.
profile-done-token-revoked = Токен отозван.

## API-токены

token-title = API-токены
token-hint = Токен передаётся в заголовке Authorization: Bearer. Секрет показывается один раз, при создании; храните его в менеджере паролей.
token-name = Название
token-name-hint = Для чего токен, например «скрипт выгрузки»
token-prefix = Начало
token-created = Создан
token-last-used = Последнее использование
token-state = Состояние
token-active = Действует
token-revoked-at = Отозван { $at }
token-revoke = Отозвать
token-create = Создать токен
token-none = Токенов нет.
token-issued = Создан токен «{ $name }». Скопируйте его секрет:
secret-shown-once = Больше этот секрет показан не будет: после ухода со страницы его не восстановить.

## Администрирование

admin-nav-users = Пользователи
admin-nav-audit = Журнал аудита
admin-nav-zabbix = Доставки Zabbix
admin-users-title = Пользователи
admin-user-title = Пользователь
admin-back-to-users = ← К списку пользователей
admin-user-login = Логин
admin-user-name = Имя
admin-user-email = Эл. почта
admin-user-role = Роль
admin-user-client = Компания клиента
admin-user-client-hint = Только для ролей клиента.
admin-user-queues = Очереди
admin-user-queues-hint = Исполнителем заявки может быть только участник её очереди. У клиентов очередей нет.
admin-user-state = Состояние
admin-user-active = Активен
admin-user-disabled = Отключён
admin-user-password = Пароль
admin-user-password-hint = Оставьте пустым, чтобы Витрина сгенерировала пароль и показала его один раз.
admin-user-create = Новый пользователь
admin-user-create-submit = Создать пользователя
admin-user-created-password = Пользователь { $login } создан. Его пароль:
admin-user-open = Открыть пользователя { $login }
admin-user-edit = Данные пользователя
admin-user-disable = Отключить: вход и API-токены перестанут работать
admin-save = Сохранить
admin-reload = Открыть актуальную версию
admin-password-reset = Сброс пароля
admin-password-reset-hint = Витрина сгенерирует новый пароль и покажет его один раз; все сеансы пользователя завершатся.
admin-password-reset-submit = Сгенерировать новый пароль
admin-password-generated = Новый пароль пользователя:
admin-done-user-created = Пользователь создан.
admin-done-user-saved = Изменения сохранены.
admin-error-email = Адрес «{ $value }» не похож на адрес эл. почты: в нём нет знака @.
admin-error-client-required = Для роли клиента выберите компанию клиента.
admin-error-client-unknown = Компания клиента с номером { $value } не найдена.
admin-error-self = Нельзя отключить собственную учётную запись или снять с себя роль администратора: вы потеряете доступ к этой странице.

admin-audit-title = Журнал аудита
admin-audit-object-type = Тип объекта
admin-audit-object-id = ID объекта
admin-audit-actor = Кто
admin-audit-actor-hint = логин, zabbix или system
admin-audit-at = Когда
admin-audit-action = Действие
admin-audit-object = Объект
admin-audit-old = Было
admin-audit-new = Стало
admin-audit-empty = Записей нет.
admin-audit-count = { $count ->
    [one] { $count } запись
    [few] { $count } записи
   *[many] { $count } записей
}

admin-zabbix-title = Доставки Zabbix
admin-zabbix-received = Получена
admin-zabbix-event = Событие
admin-zabbix-kind = Вид
admin-zabbix-status = Состояние
admin-zabbix-ticket = Заявка
admin-zabbix-processed = Обработана
admin-zabbix-body = Тело доставки
admin-zabbix-empty = Доставок нет.
zabbix-status-received = Получена
zabbix-status-processed = Обработана
zabbix-status-repeat = Повтор
zabbix-status-ignored = Пропущена
zabbix-status-test = Тестовая
zabbix-status-failed = Ошибка
