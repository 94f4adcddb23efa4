# Страницы клиентов: список, карточка, формы и журнал изменений.

nav-clients = Клиенты

clients-title = Клиенты
clients-new = Новый клиент
clients-search = Поиск
clients-search-hint = Название, ИНН или телефон в любой записи
clients-filter-any-kind = Любой вид
clients-filter-any-status = Любой статус
clients-count = { $count ->
        [one] { $count } клиент
        [few] { $count } клиента
       *[many] { $count } клиентов
    }
clients-empty = Клиентов не найдено. Измените поиск или фильтры.

client-new-title = Новый клиент
client-edit-title = Изменение клиента
client-card-title = Клиент
client-back-to-list = ← Все клиенты
client-back-to-card = ← К карточке
client-edit = Изменить
client-save = Сохранить
client-version-invalid = Форма пришла без версии карточки (получено «{ $value }»). Обновите страницу и попробуйте ещё раз.
client-duplicate = Клиент с ИНН { $inn } и КПП { $kpp } уже есть: «{ $name }» (№ { $id }). Откройте его карточку вместо того, чтобы заводить новую. Филиал заводится отдельным клиентом только со своим КПП.
client-date-invalid = Дата «{ $value }» неверна. Введите её в виде ГГГГ-ММ-ДД, например 2026-12-05.
client-manager-none = Не назначен
client-requisites-hint = Заполните то, что есть у клиента этого вида: у юридического лица КПП и ОГРН, у ИП — ОГРНИП в поле ОГРН, у самозанятого и физического лица только ИНН. Банковские реквизиты необязательны, но для счёта нужен БИК.
client-phone-duplicates = Этот номер телефона есть у других клиентов. Проверьте, не тот же ли это клиент:
client-phone-extension = доб. { $extension }

client-section-requisites = Реквизиты
client-section-contacts = Контакты и адреса
client-section-people = Контактные лица
client-section-history = История реквизитов
client-section-log = Журнал изменений

client-field-kind = Вид
client-field-name = Название
client-field-status = Статус
client-field-inn = ИНН
client-field-kpp = КПП
client-field-ogrn = ОГРН / ОГРНИП
client-field-bik = БИК
client-field-settlement_account = Расчётный счёт
client-field-correspondent_account = Корреспондентский счёт
client-field-legal_address = Юридический адрес
client-field-postal_address = Почтовый адрес
client-field-phone = Телефон
client-field-phone_extension = Добавочный
client-field-email = Электронная почта
client-field-manager = Менеджер клиента
client-field-position = Должность

client-kind-legal_entity = Юридическое лицо
client-kind-entrepreneur = Индивидуальный предприниматель
client-kind-self_employed = Самозанятый
client-kind-person = Физическое лицо

client-status-prospect = Потенциальный
client-status-active = Действующий
client-status-suspended = Приостановлен
client-status-closed = Бывший клиент

client-contact-name = ФИО
client-contact-add = Добавить контакт
client-contact-remove = Удалить
client-contacts-empty = Контактных лиц пока нет.

client-valid-from = С
client-valid-to = По
client-valid-now = действуют
client-history-empty = Реквизиты не записаны.

client-log-empty = Изменений нет.
client-action-client-create = Клиент создан
client-action-client-update = Карточка изменена
client-action-client-contact_add = Контакт добавлен
client-action-client-contact_remove = Контакт удалён

client-done-created = Клиент создан.
client-done-saved = Карточка сохранена.
client-done-contact-added = Контакт добавлен.
client-done-contact-removed = Контакт удалён.
client-phone-placeholder = +7 495 123-45-67 доб. 12
