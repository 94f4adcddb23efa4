## Воронка сделок

nav-deals = Сделки
deals-title = Сделки
deals-view = Вид воронки
deals-view-board = Доска
deals-view-list = Список
deals-filter = Показать
deals-any-stage = Все этапы
deals-any-owner = Все ответственные
deals-count = { $count ->
        [one] { $count } сделка
        [few] { $count } сделки
       *[many] { $count } сделок
    }
deals-empty = Сделок нет.
deal-title = Сделка
deal-new-title = Новая сделка
deal-create = Создать сделку
deal-back-to-board = ← Ко всем сделкам
deal-field-title = Название
deal-field-client = Клиент
deal-field-owner = Ответственный
deal-field-plan = Тариф
deal-field-amount = Сумма
deal-field-stage = Этап
deal-field-expected-close = Ожидаемое закрытие
deal-field-lost-reason = Причина проигрыша
deal-field-lost-comment = Комментарий к проигрышу
deal-field-contract = Договор
deal-no-plan = Тариф не выбран
deal-choose-client = Выберите клиента
deal-move = Перевести
deal-stage-change = Смена этапа
deal-lost-reason-none = —
deal-lost-hint = Нужна только для этапа «Проиграна»; для причины «другое» напишите комментарий.
deal-done-created = Сделка создана.
deal-done-stage = Этап сделки изменён.
deal-stage-new = Новая
deal-stage-qualified = Квалифицирована
deal-stage-proposal = Предложение
deal-stage-negotiation = Переговоры
deal-stage-won = Выиграна
deal-stage-lost = Проиграна
deal-lost-reason-price = Цена
deal-lost-reason-competitor = Ушли к конкуренту
deal-lost-reason-no_budget = Нет бюджета
deal-lost-reason-no_response = Клиент не отвечает
deal-lost-reason-missing_feature = Не хватает возможностей платформы
deal-lost-reason-other = Другое
crm-deal-amount = Сумма сделки не может быть отрицательной, а указано { $value }.
crm-deal-owner-unknown = Пользователь с номером { $value } не может вести сделку: нужен действующий сотрудник. Выберите ответственного из списка.
crm-deal-plan-missing = Чтобы выиграть сделку, выберите для неё тариф: по нему создаётся черновик договора.

## Тарифы и договоры: формы

plans-title = Тарифы
plans-empty = Тарифов нет.
plan-new-title = Новый тариф
plan-create = Создать тариф
plan-form-hint = Цели SLA нового тарифа — внутренние по умолчанию; другие задаются через API.
plan-done-created = Тариф создан.
plan-field-code = Код
plan-field-name = Название
plan-field-version = Версия
plan-field-price = Цена в месяц
plan-field-vat = НДС
plan-field-vat-included = Цена
plan-field-vat-exemption = Основание «без НДС»
plan-field-valid-from = Действует с
plan-vat-included-yes = включает НДС
plan-vat-included-no = НДС сверху
plan-vat-standard = Основная ставка
plan-vat-reduced = Пониженная ставка 10 %
plan-vat-zero = 0 %
plan-vat-simplified5 = УСН, 5 %
plan-vat-simplified7 = УСН, 7 %
plan-vat-exempt = Без НДС
contract-new-title = Новый договор
contract-create = Создать договор
contract-done-created = Договор создан.
contract-field-series = Серия
contract-price-from-plan = как в тарифе
contract-signatory-hint = В родительном падеже, как в фразе «в лице …, действующего на основании …». Заполните все три поля или ни одного.
contract-signatory-name = ФИО
contract-signatory-position = Должность
contract-signatory-authority = Основание полномочий
contract-signatory-partial = Подписант указан не полностью: нужны ФИО, должность и основание полномочий, или ни одно из них.
contract-conclusion-kind = Как заключён
contract-conclusion-draft = Пока черновик
contract-conclusion-signed = Подписан
contract-conclusion-offer = Акцепт оферты
contract-conclusion-hint = Подписанный договор и акцептованная оферта сразу становятся действующими. Для подписания нужна дата подписания, для акцепта — дата, версия оферты и способ акцепта.
contract-field-accepted-on = Дата акцепта
contract-field-offer-version = Версия оферты
contract-field-method = Способ акцепта
contract-method-payment = Оплата счёта
contract-method-portal_checkbox = Отметка в личном кабинете
contract-method-signed_application = Подписанное заявление

## Претензии

nav-disputes = Претензии
disputes-title = Претензии
disputes-count = { $count ->
        [one] { $count } претензия
        [few] { $count } претензии
       *[many] { $count } претензий
    }
disputes-empty = Претензий нет.
disputes-overdue-only = Только просроченные ответы
dispute-title = Претензия
dispute-new-title = Новая претензия
dispute-create = Зарегистрировать претензию
dispute-back = ← Ко всем претензиям
dispute-choose-contract = Выберите договор
dispute-done-created = Претензия зарегистрирована.
dispute-done-status = Статус претензии изменён.
dispute-field-direction = Направление
dispute-field-contract = Договор
dispute-field-subject = Суть претензии
dispute-field-claimed = Заявленная сумма
dispute-field-sent = Дата отправки
dispute-field-received = Дата получения
dispute-field-term = Срок ответа
dispute-field-term-days = Дней
dispute-field-due = Ответить до
dispute-field-status = Статус
dispute-field-outcome = Итоговая сумма
dispute-field-tickets = Заявки-доказательства (номера id)
dispute-direction-incoming = Входящая (от клиента)
dispute-direction-outgoing = Исходящая (клиенту)
dispute-status-received = Получена
dispute-status-under_review = На рассмотрении
dispute-status-accepted = Признана
dispute-status-partly_accepted = Признана частично
dispute-status-rejected = Отклонена
dispute-status-settled = Урегулирована
dispute-status-change = Смена статуса
dispute-status-save = Сменить статус
dispute-outcome-hint = Для частичного признания укажите сумму; при полном признании это заявленная сумма, при отказе — ноль.
dispute-evidence = Доказательства
dispute-evidence-none = Заявки не привязаны.
dispute-term-kind-calendar = Календарные дни со дня отправки
dispute-term-kind-working = Рабочие дни со дня получения
dispute-term-calendar = { $days ->
        [one] { $days } календарный день со дня отправки
        [few] { $days } календарных дня со дня отправки
       *[many] { $days } календарных дней со дня отправки
    }
dispute-term-working = { $days ->
        [one] { $days } рабочий день со дня получения
        [few] { $days } рабочих дня со дня получения
       *[many] { $days } рабочих дней со дня получения
    }
dispute-days-left = { $days ->
        [one] осталось { $days } день
        [few] осталось { $days } дня
       *[many] осталось { $days } дней
    }
dispute-overdue = { $days ->
        [one] просрочено на { $days } день
        [few] просрочено на { $days } дня
       *[many] просрочено на { $days } дней
    }
crm-contract-unknown = Договора с номером { $value } нет. Выберите договор из списка.
crm-claim-received-before-sent = Дата получения { $received } раньше даты отправки { $sent }. Исправьте одну из дат.
crm-claim-ticket-unknown = Заявка с номером { $value } не найдена среди заявок клиента по этому договору. Укажите заявки этого клиента.

## Отчёт по продажам

nav-sales-report = Отчёт по продажам
report-sales-title = Отчёт по продажам
report-funnel = Воронка сделок
report-deals = Сделок
report-ending = Договоры, которые скоро заканчиваются
report-ending-window = { $days ->
        [one] за { $days } день
        [few] за { $days } дня
       *[many] за { $days } дней
    }
report-ending-none = Ни один действующий договор не заканчивается в ближайшие 90 дней.
report-days-left = Осталось дней
report-mrr = MRR по месяцам
report-mrr-method = MRR месяца — сумма месячных цен договоров, действующих на первое число месяца, по условиям на эту дату (с учётом доп. соглашений). Изменение по каждому клиенту к прошлому месяцу: новый клиент — «новые», рост — «расширение», снижение — «сокращение», обнуление — «отток». Черновики не учитываются.
report-from = С месяца
report-months = Месяцев
report-month = Месяц
report-new = Новые
report-expansion = Расширение
report-contraction = Сокращение
report-churn = Отток
report-overdue = Просроченные ответы на претензии
report-overdue-none = Просроченных ответов нет.
