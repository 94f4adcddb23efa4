-- Business calendars: weekly hours, dated exceptions and an IANA time zone. Seeded with the
-- office calendar (Mon–Fri 09:00–18:00 Moscow time, the 2026 Russian production calendar of
-- Government decree No. 1466 of 24.09.2025, shortened pre-holiday days) and a 24×7 calendar.

CREATE TABLE calendars (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    zone TEXT NOT NULL,
    -- Opening hours per weekday as `HH:MM-HH:MM`; NULL is a day off.
    mon TEXT,
    tue TEXT,
    wed TEXT,
    thu TEXT,
    fri TEXT,
    sat TEXT,
    sun TEXT,
    applies_shortened INTEGER NOT NULL CHECK (applies_shortened IN (0, 1)),
    -- Whether a year without entered exceptions falls back to the statutory holidays of
    -- Labour Code art. 112 (shown as unconfirmed).
    follows_production INTEGER NOT NULL CHECK (follows_production IN (0, 1)),
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL
);

CREATE TABLE calendar_exceptions (
    id INTEGER PRIMARY KEY,
    calendar_id INTEGER NOT NULL REFERENCES calendars (id) ON DELETE CASCADE,
    date TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('holiday', 'working_day', 'shortened')),
    hours TEXT,
    note TEXT NOT NULL,
    UNIQUE (calendar_id, date)
);

-- Years whose exceptions an admin entered or confirmed; other years of a calendar that
-- follows the production calendar use the statutory holidays.
CREATE TABLE calendar_years (
    calendar_id INTEGER NOT NULL REFERENCES calendars (id) ON DELETE CASCADE,
    year INTEGER NOT NULL,
    confirmed INTEGER NOT NULL CHECK (confirmed IN (0, 1)),
    PRIMARY KEY (calendar_id, year)
);

INSERT INTO calendars (code, name, zone, mon, tue, wed, thu, fri, sat, sun, applies_shortened,
    follows_production, updated_at, version) VALUES
    ('office', 'Офис, Москва (производственный календарь)', 'Europe/Moscow', '09:00-18:00',
     '09:00-18:00', '09:00-18:00', '09:00-18:00', '09:00-18:00', NULL, NULL, 1, 1,
     '2026-01-01T00:00:00.000000Z', 1),
    ('24x7', 'Круглосуточно', 'Europe/Moscow', '00:00-24:00', '00:00-24:00', '00:00-24:00',
     '00:00-24:00', '00:00-24:00', '00:00-24:00', '00:00-24:00', 0, 0, '2026-01-01T00:00:00.000000Z', 1);

INSERT INTO calendar_years (calendar_id, year, confirmed)
    SELECT id, 2026, 1 FROM calendars WHERE code = 'office';

INSERT INTO calendar_exceptions (calendar_id, date, kind, hours, note) VALUES
    ((SELECT id FROM calendars WHERE code = 'office'), '2026-01-01', 'holiday', NULL, 'Новогодние каникулы'),
    ((SELECT id FROM calendars WHERE code = 'office'), '2026-01-02', 'holiday', NULL, 'Новогодние каникулы'),
    ((SELECT id FROM calendars WHERE code = 'office'), '2026-01-03', 'holiday', NULL, 'Новогодние каникулы'),
    ((SELECT id FROM calendars WHERE code = 'office'), '2026-01-04', 'holiday', NULL, 'Новогодние каникулы'),
    ((SELECT id FROM calendars WHERE code = 'office'), '2026-01-05', 'holiday', NULL, 'Новогодние каникулы'),
    ((SELECT id FROM calendars WHERE code = 'office'), '2026-01-06', 'holiday', NULL, 'Новогодние каникулы'),
    ((SELECT id FROM calendars WHERE code = 'office'), '2026-01-07', 'holiday', NULL, 'Рождество Христово'),
    ((SELECT id FROM calendars WHERE code = 'office'), '2026-01-08', 'holiday', NULL, 'Новогодние каникулы'),
    ((SELECT id FROM calendars WHERE code = 'office'), '2026-01-09', 'holiday', NULL, 'Выходной перенесён с субботы 3 января'),
    ((SELECT id FROM calendars WHERE code = 'office'), '2026-01-10', 'holiday', NULL, 'Выходной'),
    ((SELECT id FROM calendars WHERE code = 'office'), '2026-01-11', 'holiday', NULL, 'Выходной'),
    ((SELECT id FROM calendars WHERE code = 'office'), '2026-02-21', 'holiday', NULL, 'Выходной'),
    ((SELECT id FROM calendars WHERE code = 'office'), '2026-02-22', 'holiday', NULL, 'Выходной'),
    ((SELECT id FROM calendars WHERE code = 'office'), '2026-02-23', 'holiday', NULL, 'День защитника Отечества'),
    ((SELECT id FROM calendars WHERE code = 'office'), '2026-03-07', 'holiday', NULL, 'Выходной'),
    ((SELECT id FROM calendars WHERE code = 'office'), '2026-03-08', 'holiday', NULL, 'Международный женский день'),
    ((SELECT id FROM calendars WHERE code = 'office'), '2026-03-09', 'holiday', NULL, 'Выходной перенесён с воскресенья 8 марта'),
    ((SELECT id FROM calendars WHERE code = 'office'), '2026-04-30', 'shortened', NULL, 'Предпраздничный день'),
    ((SELECT id FROM calendars WHERE code = 'office'), '2026-05-01', 'holiday', NULL, 'Праздник Весны и Труда'),
    ((SELECT id FROM calendars WHERE code = 'office'), '2026-05-02', 'holiday', NULL, 'Выходной'),
    ((SELECT id FROM calendars WHERE code = 'office'), '2026-05-03', 'holiday', NULL, 'Выходной'),
    ((SELECT id FROM calendars WHERE code = 'office'), '2026-05-08', 'shortened', NULL, 'Предпраздничный день'),
    ((SELECT id FROM calendars WHERE code = 'office'), '2026-05-09', 'holiday', NULL, 'День Победы'),
    ((SELECT id FROM calendars WHERE code = 'office'), '2026-05-10', 'holiday', NULL, 'Выходной'),
    ((SELECT id FROM calendars WHERE code = 'office'), '2026-05-11', 'holiday', NULL, 'Выходной перенесён с субботы 9 мая'),
    ((SELECT id FROM calendars WHERE code = 'office'), '2026-06-11', 'shortened', NULL, 'Предпраздничный день'),
    ((SELECT id FROM calendars WHERE code = 'office'), '2026-06-12', 'holiday', NULL, 'День России'),
    ((SELECT id FROM calendars WHERE code = 'office'), '2026-06-13', 'holiday', NULL, 'Выходной'),
    ((SELECT id FROM calendars WHERE code = 'office'), '2026-06-14', 'holiday', NULL, 'Выходной'),
    ((SELECT id FROM calendars WHERE code = 'office'), '2026-11-03', 'shortened', NULL, 'Предпраздничный день'),
    ((SELECT id FROM calendars WHERE code = 'office'), '2026-11-04', 'holiday', NULL, 'День народного единства'),
    ((SELECT id FROM calendars WHERE code = 'office'), '2026-12-31', 'holiday', NULL, 'Выходной перенесён с воскресенья 4 января');
