# Общие строки интерфейса: навигация, вход, страница ошибки, общие ошибки.

nav-toggle = Меню
nav-tickets = Заявки
nav-my-tickets = Мои заявки
nav-new-ticket = Новая заявка
nav-admin = Администрирование
nav-logout = Выйти

login-title = Вход в Витрину
login-login = Логин
login-password = Пароль
login-submit = Войти
login-failed = Неверный логин или пароль. Проверьте раскладку клавиатуры и попробуйте ещё раз.
login-locked = Слишком много неудачных попыток входа за последний час. Подождите час или попросите администратора сменить пароль.

error-page-title = Ошибка
error-page-home = На главную
error-page-tickets = К заявкам

tickets-count = { $count ->
    [one] { $count } заявка
    [few] { $count } заявки
   *[many] { $count } заявок
}

error-not-found = Не найдено. Объект не существует или у вас нет к нему доступа.
error-method-not-allowed = Этот метод HTTP здесь не поддерживается.
error-too-large = Тело запроса больше допустимого (1 МиБ). Уменьшите запрос или разбейте его на части.
error-unauthorized = Нужно войти в систему или передать API-токен в заголовке Authorization: Bearer.
error-token-invalid = API-токен недействителен: он отозван, пользователь отключён или токен введён с ошибкой. Создайте новый токен.
error-forbidden = Недостаточно прав для этого действия. Обратитесь к администратору, если доступ нужен.
error-media-type = Тело запроса должно быть JSON с заголовком Content-Type: application/json.
error-timeout = Запрос выполнялся слишком долго. Повторите его позже.
error-bad-request = Некорректный запрос.
error-internal = Внутренняя ошибка сервера. Она записана в журнал; повторите попытку позже.
error-csrf = Форма устарела или отправлена с другого сайта (нет CSRF-токена). Обновите страницу и отправьте форму ещё раз.
error-json-syntax = Тело запроса не является корректным JSON: разбор остановился в строке { $line }, столбце { $column }. Проверьте кавычки, запятые и скобки около этого места.
error-json-missing = Не заполнено обязательное поле «{ $field }». Добавьте его в JSON.
error-json-unknown-field = Неизвестное поле «{ $field }». Допустимые поля: { $allowed }.
error-json-duplicate = Поле «{ $field }» указано в JSON дважды. Оставьте одно.
error-json-unknown-variant = Значение «{ $value }» поля «{ $field }» недопустимо. Допустимые значения: { $allowed }.
error-json-type = Поле «{ $field }» должно быть { $expected ->
    [integer] целым числом
    [unsigned] целым неотрицательным числом
    [number] числом
    [boolean] значением true или false
    [string] строкой в кавычках
    [array] массивом [ … ]
    [object] объектом { "{" } … { "}" }
    [datetime] датой и временем RFC 3339, например 2026-03-01T10:15:00+03:00
    [date] датой в формате ГГГГ-ММ-ДД, например 2026-03-01
   *[other] значением другого вида (см. /api/openapi.json)
}, а получено: { $value } ({ $received ->
    [string] строка
    [integer] целое число
    [float] дробное число
    [boolean] логическое значение
    [null] пустое значение
    [array] массив
    [object] объект
   *[other] значение другого вида
}).
error-json-body-type = Тело запроса должно быть JSON-объектом с полями, а получено: { $received ->
    [string] строка
    [integer] целое число
    [float] дробное число
    [boolean] логическое значение
    [null] пустое значение
    [array] массив
   *[other] значение другого вида
}. Поля и их типы описаны в /api/openapi.json.
error-json-invalid = Значение поля «{ $field }» недопустимо. Проверьте его формат в /api/openapi.json.
error-form-media-type = Форма должна приходить с заголовком Content-Type: application/x-www-form-urlencoded. Отправьте её со страницы Витрины.
error-form-missing = В форме нет поля «{ $field }». Обновите страницу и отправьте форму снова.
error-form-value = Поле «{ $field }» содержит недопустимое значение «{ $value }». Исправьте его и отправьте форму снова.
error-query-duplicate = Параметр запроса «{ $parameter }» указан несколько раз: { $values }. Оставьте один.
error-query-missing = Не указан обязательный параметр запроса «{ $parameter }». Добавьте его в адрес.
error-query-unknown = Неизвестный параметр запроса «{ $parameter }». Допустимые параметры: { $allowed }.
error-query-unknown-variant = Значение «{ $value }» параметра запроса «{ $parameter }» недопустимо. Допустимые значения: { $allowed }.
error-query-value = Параметр запроса «{ $parameter }» имеет недопустимое значение «{ $value }». { $expected ->
    [boolean] Укажите true или false.
    [integer] Укажите целое число.
    [number] Укажите число.
    [date] Укажите дату в виде ГГГГ-ММ-ДД, например 2026-03-01.
   *[other] Исправьте его и повторите запрос.
}
error-missing = Поле не заполнено. Укажите значение.
error-not-one-of = Значение «{ $value }» недопустимо. Допустимые значения: { $allowed }.
error-out-of-range = Значение «{ $value }» вне допустимого диапазона: от { $min } до { $max }.
error-too-long = Текст слишком длинный: допустимо не более { $max } символов.
error-duplicate = Значение «{ $value }» уже существует. Укажите другое.
error-duplicate-generic = Такая запись уже существует.
error-conflict = Запись изменил кто-то другой (ваша версия { $expected }, текущая { $current }). Обновите страницу, проверьте изменения и сохраните ещё раз.

error-login-length = Логин «{ $value }» должен содержать от 2 до 64 символов.
error-login-chars = Логин «{ $value }» содержит недопустимый символ «{ $char }». Используйте латинские буквы, цифры и знаки . _ - @.
error-password-short = Пароль слишком короткий: { $length } симв. Нужно не меньше { $min } символов; подойдёт фраза из нескольких слов.
error-password-long = Пароль слишком длинный: допустимо не более { $max } символов.
error-client-role-mismatch = Роли клиента (client_admin, client_user) требуют указать компанию клиента, а роли сотрудников — не указывать её.
error-unknown-user = Пользователь «{ $value }» не найден, отключён или не является сотрудником.
error-forbidden-character = В тексте есть управляющий символ или символ направления письма { $code }, его нельзя сохранить. Удалите его и повторите.
