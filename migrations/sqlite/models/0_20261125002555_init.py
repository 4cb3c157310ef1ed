from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "companies" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "name" VARCHAR(128) NOT NULL UNIQUE,
    "aliases" JSON NOT NULL,
    "tokens" JSON NOT NULL,
    "priority" VARCHAR(8) NOT NULL /* HIGH: HIGH\nMEDIUM: MEDIUM\nLOW: LOW */,
    "status" VARCHAR(16) NOT NULL /* ACTIVE: active\nINACTIVE: inactive */,
    "domains" JSON NOT NULL,
    "handles" JSON NOT NULL,
    "exclusions" JSON NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "updated_at" TIMESTAMP NOT NULL
) /* A watched project: the scoring engine's automaton is built from these. */;
CREATE INDEX IF NOT EXISTS "idx_companies_status_500665" ON "companies" ("status");
CREATE TABLE IF NOT EXISTS "system_metrics" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "name" VARCHAR(64) NOT NULL,
    "value" REAL NOT NULL,
    "labels" JSON NOT NULL,
    "recorded_at" TIMESTAMP NOT NULL
) /* Periodic snapshots of counters (alerts, deliveries, feed health) for history. */;
CREATE INDEX IF NOT EXISTS "idx_system_metr_name_d13c90" ON "system_metrics" ("name");
CREATE INDEX IF NOT EXISTS "idx_system_metr_recorde_90f117" ON "system_metrics" ("recorded_at");
CREATE TABLE IF NOT EXISTS "users" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "username" VARCHAR(64) NOT NULL UNIQUE,
    "email" VARCHAR(254) UNIQUE,
    "password_hash" VARCHAR(128),
    "role" VARCHAR(16) NOT NULL /* ADMIN: admin\nUSER: user */,
    "is_active" INT NOT NULL,
    "timezone" VARCHAR(64) NOT NULL,
    "created_at" TIMESTAMP NOT NULL
) /* An account; bot users get one on first contact, web users by registration or admin. */;
CREATE TABLE IF NOT EXISTS "api_keys" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "name" VARCHAR(64) NOT NULL,
    "prefix" VARCHAR(16) NOT NULL UNIQUE,
    "secret_hash" VARCHAR(64) NOT NULL,
    "scopes" JSON NOT NULL,
    "expires_at" TIMESTAMP,
    "last_used_at" TIMESTAMP,
    "usage_count" INT NOT NULL,
    "revoked_at" TIMESTAMP,
    "created_at" TIMESTAMP NOT NULL,
    "user_id" INT NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE
) /* An API key: only the public prefix and a SHA-256 of the secret are ever stored. */;
CREATE TABLE IF NOT EXISTS "destinations" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "kind" VARCHAR(16) NOT NULL /* TELEGRAM: telegram\nDISCORD: discord\nEMAIL: email\nWEBHOOK: webhook\nWEBSOCKET: websocket */,
    "address" VARCHAR(2048) NOT NULL,
    "name" VARCHAR(128) NOT NULL,
    "secret" VARCHAR(128),
    "verified" INT NOT NULL,
    "verify_code_hash" VARCHAR(64),
    "verify_expires_at" TIMESTAMP,
    "rejected_reason" VARCHAR(512),
    "rejected_at" TIMESTAMP,
    "created_at" TIMESTAMP NOT NULL,
    "owner_id" INT NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_destination_kind_85cbc6" UNIQUE ("kind", "address")
) /* Where alerts go: a Telegram chat, Discord channel, email address, webhook URL. */;
CREATE TABLE IF NOT EXISTS "digests" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "window_key" VARCHAR(64) NOT NULL,
    "status" VARCHAR(16) NOT NULL /* PENDING: pending\nSENT: sent\nFAILED: failed\nREJECTED: rejected\nDEAD: dead */,
    "attempts" INT NOT NULL,
    "alert_count" INT NOT NULL,
    "next_attempt_at" TIMESTAMP,
    "last_error" VARCHAR(1024),
    "sent_at" TIMESTAMP,
    "created_at" TIMESTAMP NOT NULL,
    "destination_id" INT NOT NULL REFERENCES "destinations" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_digests_destina_451c7b" UNIQUE ("destination_id", "window_key")
) /* One digest window per destination: unique, so a window is never mailed twice. */;
CREATE TABLE IF NOT EXISTS "feeds" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "kind" VARCHAR(16) NOT NULL /* RSS: rss\nTWITTER: twitter\nPAGE: page */,
    "name" VARCHAR(128) NOT NULL,
    "url" VARCHAR(2048),
    "query" VARCHAR(512),
    "selector" VARCHAR(256),
    "interval_s" INT NOT NULL,
    "etag" VARCHAR(256),
    "last_modified" VARCHAR(64),
    "state" JSON NOT NULL,
    "enabled" INT NOT NULL,
    "disabled_reason" VARCHAR(512),
    "last_polled_at" TIMESTAMP,
    "last_success_at" TIMESTAMP,
    "last_error" VARCHAR(512),
    "consecutive_failures" INT NOT NULL,
    "next_poll_at" TIMESTAMP,
    "items_seen" INT NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "created_by_id" INT REFERENCES "users" ("id") ON DELETE SET NULL
) /* A source to poll, with its conditional-GET state and health. */;
CREATE INDEX IF NOT EXISTS "idx_feeds_enabled_d61567" ON "feeds" ("enabled");
CREATE INDEX IF NOT EXISTS "idx_feeds_next_po_a0d6b4" ON "feeds" ("next_poll_at");
CREATE TABLE IF NOT EXISTS "identities" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "platform" VARCHAR(16) NOT NULL /* TELEGRAM: telegram\nDISCORD: discord\nEMAIL: email\nWEB: web */,
    "external_id" VARCHAR(128) NOT NULL,
    "display_name" VARCHAR(128) NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "user_id" INT NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_identities_platfor_401a9b" UNIQUE ("platform", "external_id")
) /* One platform id (Telegram user, Discord user, email, web) belonging to an account. */;
CREATE TABLE IF NOT EXISTS "items" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "guid" VARCHAR(512) NOT NULL,
    "url" VARCHAR(2048) NOT NULL,
    "canonical_url" VARCHAR(2048) NOT NULL,
    "title" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "author" VARCHAR(256) NOT NULL,
    "published_at" TIMESTAMP,
    "fingerprint" VARCHAR(64) NOT NULL,
    "source_count" INT NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "feed_id" INT REFERENCES "feeds" ("id") ON DELETE SET NULL,
    CONSTRAINT "uid_items_feed_id_5ed0c7" UNIQUE ("feed_id", "guid")
) /* One story; the same story from several feeds is one Item with several ItemSources. */;
CREATE INDEX IF NOT EXISTS "idx_items_canonic_17f7c9" ON "items" ("canonical_url");
CREATE INDEX IF NOT EXISTS "idx_items_fingerp_ea5768" ON "items" ("fingerprint");
CREATE INDEX IF NOT EXISTS "idx_items_created_5b255d" ON "items" ("created_at");
CREATE TABLE IF NOT EXISTS "alerts" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "title" TEXT NOT NULL,
    "url" VARCHAR(2048) NOT NULL,
    "source" VARCHAR(256) NOT NULL,
    "confidence" REAL NOT NULL,
    "band" VARCHAR(8) NOT NULL,
    "analysis" JSON NOT NULL,
    "feedback_up" INT NOT NULL,
    "feedback_down" INT NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "created_by_id" INT REFERENCES "users" ("id") ON DELETE SET NULL,
    "item_id" INT REFERENCES "items" ("id") ON DELETE SET NULL
) /* A scored item above the store threshold, with its explained analysis. */;
CREATE INDEX IF NOT EXISTS "idx_alerts_confide_41bf3d" ON "alerts" ("confidence");
CREATE INDEX IF NOT EXISTS "idx_alerts_band_7d7604" ON "alerts" ("band");
CREATE INDEX IF NOT EXISTS "idx_alerts_created_e55fa3" ON "alerts" ("created_at");
CREATE TABLE IF NOT EXISTS "alert_feedback" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "useful" INT NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "alert_id" INT NOT NULL REFERENCES "alerts" ("id") ON DELETE CASCADE,
    "user_id" INT NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_alert_feedb_alert_i_2c464e" UNIQUE ("alert_id", "user_id")
) /* A user's 👍\/👎 on an alert: labels for the eval set. */;
CREATE TABLE IF NOT EXISTS "deliveries" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "mode" VARCHAR(16) NOT NULL /* INSTANT: instant\nDIGEST: digest */,
    "status" VARCHAR(16) NOT NULL /* PENDING: pending\nSENT: sent\nFAILED: failed\nREJECTED: rejected\nDEAD: dead */,
    "attempts" INT NOT NULL,
    "next_attempt_at" TIMESTAMP,
    "claimed_at" TIMESTAMP,
    "claimed_by" VARCHAR(64),
    "last_error" VARCHAR(1024),
    "external_id" VARCHAR(128),
    "digest_key" VARCHAR(64),
    "sent_at" TIMESTAMP,
    "created_at" TIMESTAMP NOT NULL,
    "alert_id" INT NOT NULL REFERENCES "alerts" ("id") ON DELETE CASCADE,
    "destination_id" INT NOT NULL REFERENCES "destinations" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_deliveries_alert_i_915749" UNIQUE ("alert_id", "destination_id")
) /* The outbox: one row per alert × destination, written with the alert, claimed and sent. */;
CREATE INDEX IF NOT EXISTS "idx_deliveries_status_5e7a9d" ON "deliveries" ("status", "next_attempt_at");
CREATE TABLE IF NOT EXISTS "item_sources" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "guid" VARCHAR(512) NOT NULL,
    "url" VARCHAR(2048) NOT NULL,
    "seen_at" TIMESTAMP NOT NULL,
    "feed_id" INT REFERENCES "feeds" ("id") ON DELETE SET NULL,
    "item_id" INT NOT NULL REFERENCES "items" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_item_source_feed_id_cc1af4" UNIQUE ("feed_id", "guid")
) /* Where an Item was seen: (feed, guid) pairs, so no feed re-processes a story. */;
CREATE TABLE IF NOT EXISTS "link_codes" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "code_hash" VARCHAR(64) NOT NULL UNIQUE,
    "expires_at" TIMESTAMP NOT NULL,
    "used_at" TIMESTAMP,
    "created_at" TIMESTAMP NOT NULL,
    "user_id" INT NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE
) /* A one-time, expiring code that joins the identity redeeming it to the issuing account. */;
CREATE TABLE IF NOT EXISTS "subscriptions" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "min_confidence" REAL NOT NULL,
    "company_ids" JSON NOT NULL,
    "use_watchlist" INT NOT NULL,
    "mode" VARCHAR(16) NOT NULL /* INSTANT: instant\nDIGEST: digest */,
    "digest_interval" VARCHAR(16) NOT NULL /* HOURLY: hourly\nDAILY: daily */,
    "digest_hour" INT NOT NULL,
    "last_digest_at" TIMESTAMP,
    "unsubscribe_token" VARCHAR(64) UNIQUE,
    "active" INT NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "updated_at" TIMESTAMP NOT NULL,
    "destination_id" INT NOT NULL REFERENCES "destinations" ("id") ON DELETE CASCADE,
    "user_id" INT NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_subscriptio_user_id_289885" UNIQUE ("user_id", "destination_id")
) /* One destination's standing order: which alerts (filters) and how (instant or digest). */;
CREATE INDEX IF NOT EXISTS "idx_subscriptio_active_7995c7" ON "subscriptions" ("active");
CREATE TABLE IF NOT EXISTS "aerich" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "version" VARCHAR(255) NOT NULL,
    "app" VARCHAR(100) NOT NULL,
    "content" JSON NOT NULL
);
CREATE TABLE IF NOT EXISTS "user_watchlist" (
    "users_id" INT NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
    "company_id" INT NOT NULL REFERENCES "companies" ("id") ON DELETE CASCADE
);
CREATE UNIQUE INDEX IF NOT EXISTS "uidx_user_watchl_users_i_0ea62d" ON "user_watchlist" ("users_id", "company_id");
CREATE TABLE IF NOT EXISTS "alert_companies" (
    "alerts_id" INT NOT NULL REFERENCES "alerts" ("id") ON DELETE CASCADE,
    "company_id" INT NOT NULL REFERENCES "companies" ("id") ON DELETE CASCADE
);
CREATE UNIQUE INDEX IF NOT EXISTS "uidx_alert_compa_alerts__3ae7eb" ON "alert_companies" ("alerts_id", "company_id");"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        """


MODELS_STATE = (
    "eJztXW1z27gR/isYfakzo6SOL85d1U5nZFtxdJGtjC33rj13OBAJSagpUCVIO2qb/14AfB"
    "FfQImkSYniYSbj2CQWJJ/Fy+6zC+C/naVlIJO+638dfkHrTg/8t0PgErFfEne6oANXq811"
    "fsGBU1MUhSusPaG1uAin1LGh7rDrM2hSxC4ZiOo2XjnYIrx0nwBWKWACPWARcw2cBQIrd2"
    "piHaxsNMPfACQGgOD+c//t2flHYM1EEYp0GzkA2gigZ2QD6lg2Mt7xhxqWzp6Kybym+l2C"
    "/+0izbHmiJW02VN++ye7jImBviEa/Ll60mYYmUYMRmzwCsR1zVmvxLUhcT6JgvzVp5pume"
    "6SbAqv1s7CImFpTBx+dY4IsqGDePWO7XJgiWuavg4CrL033RTxXjEiY6AZdE2uHi7tvcDm"
    "WkfTbscT7X4w0bROSnWBRARt/5JuEa529qpUfP2cv8Lbs/cffvzw0w8fP/zEiojXDK/8+N"
    "179AYYT1DAczvpfBf3oQO9EgLjDaji/xSslwtoy3ENyieQZa+cRDbAcRu0wYUNtpuWvg9w"
    "l/CbZiIydxbsz48ftiD5t/7d5ef+3cnHD2/4Ay3WMb0ee+vfORO3ONgbcL0+UgTejUQ1AB"
    "+27cbgff8xB7zvP2bCy2/F4fWGGW0B6aIIxgkx1ZJztGSqW7yOFMo/349vM1AOJRIAG1h3"
    "wP+AiWlqMK4K6M5fZi7ROYZg6mLTwYS+48/7a6cm+LfAzRHiNS8p/bcZhfnkpv9rUgOXo/"
    "GFgMyiztwWtYgKLhLqQN9WmN3WoJNWyRUD08FLJFdLXDKpGl/0XfBLDgX5A0pTOsIWTUyG"
    "N4P7Sf/ma0wdV/3JgN85E1fXiasnyfEorAT8Mpx8BvxP8I/x7SCptbDc5B8d/k7QdSyNWC"
    "8aNKKYBJeDSzEtm5A6mkuRUULPSVml6SZr2qVwjpj2XCJRdKaNm5DabexWNb6eNtrY3cBq"
    "o2frqVT3iUuqztPkzsOsOY57CS3HJSvQcuPMQvaBxph57n4LPBK1+51lx5CJbK0QJRCR2N"
    "9Q2XBqgJMtsycpM8DhSqP7ybIRnpMvaC1AHrI3gkSXUQI+6/XgV3Nk4H4PWk9wddMsbfgS"
    "slPRRsW+nX0xcjz3s39/2b8adATCU6g/vUDb0GJQ8zvWmZW4EpZN31qeLZNXIGEmgOF/BX"
    "/ngGs0ke10ZCSkuNHdykHyInkZSMD8PBsZADtoCeDUekYeA8gZP/Yb6+8LyzS64AU7C1aI"
    "AuaAmAxPJsLe3VxTTCW8Y1W1KraxWWyjgx1TQjdO0LcMYEOB/bE0nQOQBJPBr5PtJEE494"
    "7Gt9dB8SRzELd+XdssQov5xVsAdJwMOzv98FMOOowXyyTEvJsJSsxybb0Qd76RaB/I53nY"
    "XVYqG+LzFL/LnjjDBiIylD+ZFswYM+JiCahnXK4asPc5MG8B92r8cDEagK93g8vh/dAnG0"
    "NLXdzkl9gF7Jkmd4P+KIH0FBLJdJfdkoPydbXjw0Up8gwV2eNEapAIrJEizHlUphncOX9s"
    "a7jzGUIGN7I1d1XAwktIKa4tybWFABnWCykDbCCnoE1Ce1wE117H7vbyW4HqputiLFdKrl"
    "R/ahhdXXWP4rxCMVgjEgrQndwhR6sC7nDoV3Nc2OalDiNNKkYdsueD24fRqJMxHuyPlD1S"
    "YFNDYAa82dRs2qxJg37hS376codMKL4lE2/Bun6KVNUSNjzWQtmX4mdkY1meUBGwrrx61m"
    "3C6ZVcf5QTWa4gkWJ8A8l6YvGfOUeBS1FXKZwPylJvGQfEl2mJmEfkO23e+tjQEPrnYaxj"
    "ZtlCFU8iedvHORhAQkX5dz0x/6azsC13vgivazEdSaNC7LqWgvz77ohOOIRkRXaiY8yOCI"
    "8WHdryRHp4qOsPFDy6xk8/GOyn/sH4Y+QPBCwCIPvHK+8B1nTYYwGDVYRu0DM0AUWOLNhT"
    "XcWSeM9v3teKu3zW+6cKAB0wAMRUMHMlYYkLyzIRJJmBe18oAfCUSR3vLCFD8GI8HsUc1I"
    "thMtLzcHMxuDt5/yZO6h47a6DSYqqhDbyhvdDYFRVRiTGSnqRSjWqmC8IZ+pVubZjccmTw"
    "5nVsoz1Vnm2UbLb74wqOFdOGJnAFPovE0I+4M9kmfswHyWPdv0BHXyADrGzrX0hndrZIuN"
    "ItDjJAZI4JYjY6n3uW0GEGOaZefBDMbGvJC1Mks+2rqlZlcjXLkD/sutEmLWs8y5MywEpl"
    "L2w8S6cNmBjSYuvtIiLNSBpo1YI7x3pCpJA+NhJKHZWrY2VjNoM4klAIH4EGxF2mjJvEMu"
    "uN/B5z8W4GV8OHm4JK6HweXn/uAf7zkXg19ID3/yMZjX/pAfYjOfMeINWJQe24ki6STyMb"
    "6b3llHWYRYSfUVF19C8nw78NesCTfiTD2+AKJpEaD7463mAWFS42ZkVE1KBV+aC1gMQwi0"
    "3qERGlkMoVgr7ppkvZSxbSSVxKqaVytSjiOnvOaC9x7a6MklqPSyqtN0XrAUYRtYe5ECke"
    "rRaGLcEwV5EzUZpiPqqMifArk/kS8fSTeMpELCkimTERz6eoIGUilX7kMY12FUouS3kflY"
    "6Dj0yqWOAYGDAJFXOyvLCGBcMeqzW/grdy5GGimIQkjyaRZbPk8ZS13TT5ZIGA5TpT6xvf"
    "EBEB23oBK2R7qSng0T09NX4ETIYZZSLJrQtebOw4iHgrlTn3LYp2gW5CNhkZYv9EiogkL6"
    "bmZ21PlYnUm8qY+S3irBP0zWETr4OWK/6/V1ax8Pti4XmTLsu4BLJ75L+weBenKOMyvGVW"
    "xu2EEyxC/pFcDa+Z5dEDBp4jb0g5PN/SdP5Loo8VIgaHrKA+vg5ur4a31z3gyz+S+wFXDx"
    "9bHsmn/nA0uOLPwyYyHsnd4OfB5YRfsREPAfJrV4M++9tgZm0zdOePYBLtZWfNRETUkrVk"
    "ykxyXkjhut2lk4irPbia48ZJVqt5JkYZziYmqbR8DFqWrUHKDv3HpUpNbw3Tad277YrNO5"
    "FtW5L8rWyc41Ltw/n96VkepHmx7Klf3EyGARxkE2hKUzyz4U6ItRDvOjJbPItdcAYFsI5L"
    "tQ/qGjbsZrZ4idk4Iqam4kZPxSpI1rJwiVrdcRhXNUJ1FkM2LajwVWs9DrPWI8rXvx7bq3"
    "htLUU43X+btAAkqgNpfCumom0hrrBgziDXLwtk+7EjCuZWD0AwYajMbbgE+gI6XXCF+QoO"
    "g/9FCGIqQEuITcDmMTbV0S54QdOFZT2Bh7tROq5VffXSUNYT9rYo9KXUuu+DBqoCbZQJjQ"
    "SyTT6oqTMZjAbXd/0bpja/MfMo1f3l+I4HOrwG/UgGN/3hqOe150fyy+Di83j8pRc0aHHl"
    "fnz5ZTAR16ilP6GGRLeCbiTVYYbluRFpsupKuux1bSvc/AP59rSlcC30k3f2WxF8NxLto5"
    "1qgZjn07DqJMP91k0+omJ73OYjvHK0+3wI4NYMSQMVPgpRJtu+Zl49u+rjVv4YPmkFinFt"
    "MuMaZK9oNoJU5mZndzOJaPt62fn7sxzdjJXK7GfiXvIENx+5Mke4xURV52py51LhjOxe1t"
    "5whvVCiu6sFBVRdPtuul3gVQEl3PJdgKLNqigLrHbALbxTsEjneC1IYe53GyGi7jSs/JVA"
    "3UeqahNctUZfvMYlC7yEzW5LzGXTvneHW8YE+esYwAuD2F/lEwnb9ICnii6gFoBBIUwBQW"
    "yQAEuRZw+cF6xLduCqvHZpsCURfvQqEelaKuxyyLBLRBEpcLPd1bhUC7n7GtLt1OIftfin"
    "bi/kWBb/BEu6XSLx5nckqoVSCla1pur3zYmpVSD7XAWiEubb3ZsUw5zdwdrLMKvk7r2yzS"
    "oNuW1pyPxAqY6EBhPXu9tIMH68VO7d56nl2joCjgVWFgdTbGGDHQoYfAbm5aD59nowAdxV"
    "RmInmwWCprOQ7Tn/usrUTvPN4rBanzp8d3/fAzalj2TC5sPJ4K7H6VbmqNmP5Gv/etADK9"
    "Y3m8GVqOzUOlMnXVtyNFo2uH7x9vl4deVWs0+1CzHhoUD7MK4lXYsys0V3ihEWUZn2wXx2"
    "nmcMZqWyG/J5ahRmj0L2MzS1Ipx1XGh/3swPp8dCsCIHzou03KC8arW5Wq1gJpmjkLE6YA"
    "elGRVsH+D1RCQlplr2vvahQDO2tOePbc2W9ohweIouiYlI1bYiJuUpBheOdj2MgamArUSe"
    "vkS0fUNNLYafGKI521KKYU9Lq1hKk2MpQl/U1XVEyyx+kogrfTde3yoSvY+BlD8R6S4/Rk"
    "zjSVSuLUsmz3TyssRVNo00m4bPOWVTaSKyexm9DnCWRCsGL2YoLqlGEZKYgtlkSUxI9Z5k"
    "71HZFNlQtzebItDddF0smSIlV6pDNc0YqDeVYoNZGui6Vu81DOG8GRSp5hVLoGBvAW4fRq"
    "N8S/jEwC/haQqstxqyKtoDdmou1bz0igpAuhcVtQiqOhNxhgYiDj+yWpKME97rbkvIwV6p"
    "3Idd8aVjK6bHmWUvATbASbhNHz/Ra7NNn/eX2NNM7M33BkyRaZE5g5Dn4EACoC7S+uWr06"
    "p/hHSJWvAYXiC6dbtaoHbI5J6oVsok+ETlG53kU3J/QLEPYLLbHCb154DHJDTOxN/HOQmU"
    "te21VjThKimnEq/yoK3c2Wz02+vOioNJC03rEQm1HGC3D+tStffMbvc10qialPkv3FiZs+"
    "G7t1scjcCHzudjUMey138WB9ZS9ijvbzCzrSWgfA8KaAKxloBvSsEPwuUv4OX0B7c3ziSV"
    "+xjVP0LqY8z8RRFzVzkWB3YshAoK2E1B+Rbap7XEKfeYqt5ka7SuTHUdEotgnblNBYFOCd"
    "YFeWqwOHLEHeyYEk9rwvxXOdKhQAsa9TajfvDrJGbPp/IhQ5t+NL69DoonkyQTYDNUC2Ht"
    "l1dQF4aaeUCLYnk7G4kWwL2HvPaVOzUxXZSiD5KyKg+uyakkM/ahyF7ZWLaxUXaHSojtbU"
    "Y+5tULwtUqvIdUUmx/JM37uoD+XSfu7LVJt5fo5LxEMaIzIqFydXbynAHv80qeM9hT47iw"
    "zUtzRprUK/JzvHMD02AXyT3Je3TokQAtmTj3mZzTNPLrMNk5G8QyKPMNntuJ82h6Ve6zOo"
    "nPWEMKeM5yD5zw3tYFnNV8A1YQ21Ts70wswXMDG71d2RZff4MogB4dnnlSZ2WVK8788LNY"
    "V3HmijNvJ2fOB6dSO3iGYip9Q3k1R2QQVs0NCPOj2My6kVD5MLv9ROynTrzST8y5wKBp4O"
    "Z1FCONSp4PkxwElOtdo+tdp9c0wuTpkv3akfhM4b3uNo/JZKXE8bW5dxq1CHrL5/IuEIev"
    "8hUEXB44C+iAf1mYUJEm5C+WWDNvxkBoyYthh681EDcpdfmVzHUN9T1G7U7aLJ+p1LHLrz"
    "9vuWEg1xwNKn/OcuUHLDd0Um26PZ8rvOrSUoGpiJgKnzdZv8cVe1RuejVuulploVZZNMAH"
    "augqi9jhrBI3KHl4a7YrlDoxNufRo5vjJ/5A+YkI4lQ/YNkGsnvgZYH1BfCCruBkhk0H2f"
    "SNd2SC9QJOsGhWDivunzL6JuMI0jqeIo0nBb0hehSJCisd0kViXi3vnjPu6+qSFOtPpgUz"
    "IE6LJuCecdm6Rq3Td+f7t+quxg8XowH4eje4HN4P/b1ow/lc3OSXNjug3g36o9QmcssVJH"
    "w3FEkiQPYOwAmxZuwDzJ/Xmn2A2eCkvUBHXwQoJnI0tu0GnJKtbU/gtGLCK0e7K/DSpxLT"
    "FM3uTSYC2T1GYv0Zr2C7Z9/NjHV+Gq8vz/eYuGYGfM+fN5Nzcx46p/qdJLx30YIDCcqqRV"
    "LNHjVkQGyui+rn8/jhbvT3HrNqXNtcM+30h/zPTV1N0Q1/wQKmUEJqf17bnxptEyV20PVR"
    "KrlhckxaEV1NJrpc4jtjU+6dPMl2Ht2S9iMTrmT35FbHCJiji58lU/xWm2ojpA5YyG1KKR"
    "o3u5G3mMZdGSW1HpdUWm+K1iVTWWo5gTo/uV67UAVHVHDkGIIjGWNCBciqQ757hw9CramD"
    "ljeIfavu9a1kFCpWoLs1DCWKastI2Z1xqK/IxpaBdUAJXNGF5VBgzYBIekM2BSdeZKgL2M"
    "OYuW5jxH4XS428Y7vfgJllgwXOWMZUee0qB69ZAaamHUrdJrf6GZpusZhdKLHPUN1hiKkq"
    "YnXss/0hNG+YbiPRjAhdq07qtBHfibuUn5sQVTtkNMTPzWI3Ul7DYYwv4VpIbK7A5cg2tb"
    "jVnnfdQ3hCwp/B1HLEgQoUMPtFbHfKevMM29RhRhFxWD3ijAW/zJSvTZhj/gDR7ZktBI0l"
    "JpJFD/U8Q1lbzbK2uMqKWlxRGbXeYafRJc5/KIJvKNC2ONHZeR5wWaktG/al4F1BSl/YVF"
    "143U5KsH2HmtZyvIJtybZWzZflEcjuMbUjTCEtkNnRv7oZ3va8aeuRPNwP7nogrOfgWR2Y"
    "aqXiozG5PeabHX2MlBv4/2FmT5HRJSqzx9b+MLmsy3mre55Ukehs6H+3vlokJWSFtSe0fu"
    "1ucV+HX9D6CJtAVmwinhcLiQtNTW2rtx0mHg/gza0ChD5Fqmpji4qEul7ZoNoZGky1q1ei"
    "1K6tS+Jma+zE0vIQRc9HbWMriu+CUh6n6J4rbcQptUSyPFTJdZltgeuVTPcG6y3LnG4gWU"
    "8s/jNnjsiltzDt6HjCLdkh4su0BOUf+U6bt0DmoMTg9On+mWULZTDblt/aLNvrRFXl3xUM"
    "u3/PWdiWO18El+PLyaQJKey6loL8+9Z4Rh/ZWOfPSEU0/DvdbTENuCmzK6iRrQYVMmhWyO"
    "CZNUFptlg2GRIRaeH2smfn57lo7fMttPZ5agUE61QFEPaLtxDd96eneQjU09NsBpXfS66p"
    "Jg6SHUaybT11KLL/TI3DZMRUlpNx0OD89/8DAFQiZA=="
)
