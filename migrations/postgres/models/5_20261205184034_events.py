from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "calendar_tokens" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "token_hash" VARCHAR(64) NOT NULL UNIQUE,
    "revoked_at" TIMESTAMPTZ,
    "created_at" TIMESTAMPTZ NOT NULL,
    "user_id" INT NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE
);
COMMENT ON TABLE "calendar_tokens" IS 'A private ICS feed address: only the SHA-256 of the token is stored; revocable.';
        CREATE TABLE IF NOT EXISTS "events" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "project" VARCHAR(128) NOT NULL,
    "project_key" VARCHAR(128) NOT NULL,
    "token" VARCHAR(16) NOT NULL,
    "title" TEXT NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "confidence" DOUBLE PRECISION NOT NULL,
    "source_count" INT NOT NULL,
    "next_at" TIMESTAMPTZ,
    "first_seen_at" TIMESTAMPTZ NOT NULL,
    "last_seen_at" TIMESTAMPTZ NOT NULL,
    "revision" INT NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "company_id" INT REFERENCES "companies" ("id") ON DELETE SET NULL
);
CREATE INDEX IF NOT EXISTS "idx_events_project_a7bed6" ON "events" ("project");
CREATE INDEX IF NOT EXISTS "idx_events_project_bab20a" ON "events" ("project_key");
CREATE INDEX IF NOT EXISTS "idx_events_next_at_fb5e86" ON "events" ("next_at");
CREATE INDEX IF NOT EXISTS "idx_events_last_se_8cbb39" ON "events" ("last_seen_at");
COMMENT ON COLUMN "events"."status" IS 'ANNOUNCED: announced\nDATE_SET: date_set\nSNAPSHOT: snapshot\nCLAIM_OPEN: claim_open\nLISTING: listing\nDELAYED: delayed\nCANCELLED: cancelled';
COMMENT ON TABLE "events" IS 'One token launch of one project, told by many items over weeks (see core.events).';
        CREATE TABLE IF NOT EXISTS "event_messages" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "external_id" VARCHAR(128) NOT NULL,
    "edited_revision" INT NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "destination_id" INT NOT NULL REFERENCES "destinations" ("id") ON DELETE CASCADE,
    "event_id" INT NOT NULL REFERENCES "events" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_event_messa_event_i_2e89d5" UNIQUE ("event_id", "destination_id")
);
COMMENT ON TABLE "event_messages" IS 'The first message an event got in a chat, so later phases edit it instead of repeating.';
        CREATE TABLE IF NOT EXISTS "event_phases" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "kind" VARCHAR(16) NOT NULL,
    "at" TIMESTAMPTZ,
    "all_day" BOOL NOT NULL,
    "tz_name" VARCHAR(32) NOT NULL,
    "date_text" VARCHAR(128) NOT NULL,
    "previous_at" TIMESTAMPTZ,
    "corroboration" INT NOT NULL,
    "revision" INT NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "event_id" INT NOT NULL REFERENCES "events" ("id") ON DELETE CASCADE,
    "first_alert_id" INT REFERENCES "alerts" ("id") ON DELETE SET NULL,
    CONSTRAINT "uid_event_phase_event_i_dbaf52" UNIQUE ("event_id", "kind")
);
CREATE INDEX IF NOT EXISTS "idx_event_phase_at_c93df1" ON "event_phases" ("at");
COMMENT ON COLUMN "event_phases"."kind" IS 'ANNOUNCED: announced\nDATE_SET: date_set\nSNAPSHOT: snapshot\nCLAIM_OPEN: claim_open\nLISTING: listing\nDELAYED: delayed\nCANCELLED: cancelled';
COMMENT ON TABLE "event_phases" IS 'A dated step of an event; `revision` is the ICS SEQUENCE, bumped when the date moves.';
        CREATE TABLE IF NOT EXISTS "event_sources" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "source" VARCHAR(256) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "alert_id" INT NOT NULL REFERENCES "alerts" ("id") ON DELETE CASCADE,
    "phase_id" INT NOT NULL REFERENCES "event_phases" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_event_sourc_phase_i_b1a8ae" UNIQUE ("phase_id", "alert_id")
);
COMMENT ON TABLE "event_sources" IS 'An alert supporting a phase: the proof behind the timeline.';
        CREATE TABLE IF NOT EXISTS "reminders" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "lead_minutes" INT NOT NULL,
    "due_at" TIMESTAMPTZ NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "attempts" INT NOT NULL,
    "claimed_by" VARCHAR(64),
    "claimed_at" TIMESTAMPTZ,
    "last_error" VARCHAR(512),
    "sent_at" TIMESTAMPTZ,
    "created_at" TIMESTAMPTZ NOT NULL,
    "destination_id" INT NOT NULL REFERENCES "destinations" ("id") ON DELETE CASCADE,
    "phase_id" INT NOT NULL REFERENCES "event_phases" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_reminders_phase_i_f40567" UNIQUE ("phase_id", "destination_id", "lead_minutes")
);
CREATE INDEX IF NOT EXISTS "idx_reminders_status_a8c9ca" ON "reminders" ("status", "due_at");
COMMENT ON COLUMN "reminders"."status" IS 'PENDING: pending\nSENT: sent\nCANCELLED: cancelled\nDEAD: dead';
COMMENT ON TABLE "reminders" IS 'An outbox row for one reminder: phase × destination × lead time, sent once when due.';
        ALTER TABLE "alerts" ADD "event_id" INT;
        ALTER TABLE "subscriptions" ADD "updates" VARCHAR(16) NOT NULL DEFAULT 'phases';
        ALTER TABLE "subscriptions" ADD "remind_minutes" JSONB;
        COMMENT ON COLUMN subscriptions."updates" IS 'EVERY: every\nPHASES: phases\nFIRST: first';
        ALTER TABLE "alerts" ADD CONSTRAINT "fk_alerts_events_633870e5" FOREIGN KEY ("event_id") REFERENCES "events" ("id") ON DELETE SET NULL;"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        ALTER TABLE "alerts" DROP CONSTRAINT IF EXISTS "fk_alerts_events_633870e5";
        ALTER TABLE "alerts" DROP COLUMN "event_id";
        ALTER TABLE "subscriptions" DROP COLUMN "updates";
        ALTER TABLE "subscriptions" DROP COLUMN "remind_minutes";
        DROP TABLE IF EXISTS "reminders";
        DROP TABLE IF EXISTS "calendar_tokens";
        DROP TABLE IF EXISTS "event_sources";
        DROP TABLE IF EXISTS "event_phases";
        DROP TABLE IF EXISTS "events";
        DROP TABLE IF EXISTS "event_messages";"""


MODELS_STATE = (
    "eJztXWtz4jjW/isqvky6iulKp7tnZpmtrSLEnWaaQN5Apmd3mGKNLYImRvb6EsLu9n9/Jf"
    "mCL7KxwQbjVVVXOrF1ZHiOLJ37+U9rpatQs9527/tf4KbVAf9pYXkFyS+xO23Qkg1je51e"
    "sOW5xobKBpo9ww27KM8t25QVm1xfyJoFySUVWoqJDBvpmI7uYkAmBYSgA3SsbYC9hMBw5h"
    "pSgGHCBXoFMlaBDMafu99fffwB6As2xIKKCW0gmxDAF2gCy9ZNqL6lD1V1hTwV4aeK5ncw"
    "+pcDZ7b+BMlIkzzl9z/IZYRV+Aot/0/jebZAUFMjMCKVTsCuz+yNwa71sf2JDaQffT5TdM"
    "1Z4e1gY2MvdRyMRtimV58ghqZsQzq9bToUWOxomscDH2v3k26HuB8xRKPChexolD2U2v0A"
    "22ut2Ww4mszG0mQ2ayVY51OE0PYuKTqmbCcf1WLf/ol+hO+v3n348cNP73/48BMZwj5mcO"
    "XHb+6jt8C4hAye4aT1jd2XbdkdwTDegsr+T8DaW8omH1d/fAxZ8pHjyPo4ZkHrX9hiu13p"
    "xwB3Jb/ONIif7CX584cPGUj+2n3ofe4+XPzw4Q19oE5eTPeNHXp3rtgtCvYWXPcdKQLvlq"
    "IcgE+7diPwvvshB7zvfkiFl96KwutuM7OlbC2LYBwjEys5x0q2FJ3OkUD5l/FomIJyQBED"
    "WEWKDf4LNGQlNuOygG79deFghWII5g7SbIStt/R5f2tVBH8G3BQhOvPKsv6lhWG+uOv+Fu"
    "dAbzC6ZpDplv1kslnYBNcxdsBXA5HbM9lOsuSGgGmjFeSzJUoZZ41H+tb/JQeDvA2lLi9C"
    "Bicm/TtpPOne3UfYcdOdSPTOFbu6iV29iO9HwSTga3/yGdA/wT9GQynOtWDc5B8t+plkx9"
    "ZnWF/PZDWMiX/ZvxThsiZb9syxoLoHn+O0gtN15rRjyU+QcM/BHEanyrgxqt3Cbln762Wt"
    "hd0trCZ80Z/3en2ilOLlqfPLQ6Q5ivseXI5SlsDl2omF5AuqI6K5eyvwTNjuvSw7tkxozg"
    "qZBEIUx9sqa24aoMaWxTPXMkDhSqL7STchesJf4IaB3CefSMYKzyTgWb0evWnODNxv/urx"
    "r26XpSmvA+tUeFGR706+MbRd9bM77nVvpBZDeC4rz2vZVGcRqOkd/UqPXQnGJm+trlbxKz"
    "ImIoDqfQv6mX1bowZNu8UzQrIb7UwbJB2S1wIJiJ5nQhUgG66APNdfoGsBpBY/8ht535e6"
    "prbBGtlLMsgCRAHRCJ6EhHx2bWMhi2N3LGtWYW2sl7XRRrbGMTdO4GsKsAHB8aw0rRMYCS"
    "bSb5NsI0Fw9g5Gw1t/eNxyEJV+HVMrYhbzhjcA6Kgx7Oryw085zGF0WKpBzL0ZM4npjqkU"
    "sp1vKZoH8sc81l0yKh3ijwn7LnniAqkQ81D+pOlyyp4RJYtBvaB05YB9zI05A9yb0eP1QA"
    "L3D1KvP+57xsZAUmc36SVyAbmiyYPUHcSQnsuYc9ylr2R/fFXr+HReijxbRfo+kdgkfGmk"
    "iOU8TFMP2zl9bGNs5wsIVSpkzxyjgIQXoxK2tritLQBI1dd4H2B9OgFtKrRYt2f2E+c03I"
    "1uiFQAHAf4vCyIRz0cm2tA9Fk33xQzIybo9nqfauYPKPuNgi8Q28VwDZMISJOQUltYMURD"
    "FALQnfZuilYJ9u6+N815YZvX3B1aUhFzN3k+GD4OBq3kLlACppI/TzNBDe98OVDdHkDHc8"
    "+cKbKJszoF3nQnTVIKT4J+7VF++vIANZl9l1S8mf/lU2iqhvjFIiuUfFP0Ak3EixgsAtaN"
    "O8+mqTgtkGnZM2MpW4cixXbIezpRc15mjkDpWtDLwGoc2OKbsrAOdCeHze4rQ8bcl/dOxp"
    "uJTn/mPF56bK69XuCTOkIzDhj2zWYxt3roe5p0AZIzJzABB+70hW4yVjyz/CAPZ/9kChjl"
    "3XXJvJv20tSdp2VwfRbhETfwgFyfJSD/tjtoIDib0oIHwofXjiCCWfjMzBNMQKMpvrPAi2"
    "5DoGMgk390HnAxddSf3qvkp/JBbYPQX2Qa3QTTFtZtIIPJrTRtvemQ38iygpoGVQBf5ZWh"
    "kWGYpSLJYIE0G5q8oIMjP50TnPC7ixu7SwWzP0S0wgmjFQgLFg7Hh36t6xqUcWqUmUcUA3"
    "hOqM73vOEheD0aDSLGvut+PCzh8e5aerh49ybqgUwaN1It25lYpxu1qwQ7uHK2aJ+XvVtE"
    "zJZj8HaP5EInRZhExMxy3iQRhVyxVTaQhw60cwVxr2cGb15LV/hN5Qcix5ft8YyH54ppTW"
    "O7e4TXWJXNif4McYujpkUHtLPUNMUbSrQQMjZ30LdhohfCb9DvjQHV8QA5hchBZYXKRMRK"
    "QrD5AbK8WhA/A5phpdCPwdPESp9fBILXS7Vi7CqcuR+lalyFhPLT9kUCpEiAFOpcM9U5oX"
    "qIBEghJKcKyZ5Dhiceb301GYJx2MGSRyRey7ayJJKqYep/QsXuuAmLik5BBuSERxh+ZwH6"
    "Rq9kW2eiKouvBwtTX9HBFlcSLmtaIQDXSwA+bd21Ggm9767ypNyQUemFwa6SaTca4sdUZG"
    "TdbEnqkXTTqIJVW/NCXn5sKQQ7SmeHYSJygticAEK6A0nYWSWEmwhzwvRHzGW9k276j3cF"
    "mdD63L/93AH05xS7M3SA+/8UD0ZfO4D8iJ+8eXauklMFCdS2w3lF8nFkS320nMwWkYjQCy"
    "zKjm5v0v9V6gCXeor7Q/8KwqEZT15dUiUSFSq2Z4VIxKZV+qa1lLGqFTvUQySCIaUzBL4q"
    "mmORD1mIJ1EqwZbS2SLMgelnRoPNgYa6J9ejlILrdeE6x/YfBHon7Gi7sldY/HwZgfNn6+"
    "qpMGI+FOJ9WLj83lEqZxUsH3zLeKh8NPMgGi0fiYePB8tHQ+lLiJZP5J+4dlizDCbv6xA4"
    "Kx77XzLOYoajL97FWExdCYU5zPwPkVnzMzjTgxAkn3FcCOHEtHQfQjQNbrcTYbKEQHfsuf"
    "5K41wgMPU1MGjWAMtCmDqXl+qPgNAQkZXt1G2wNpFtQ+zWQaSeATa0DRRNJke1yrqzWGTT"
    "TnoWKn5Wdm5DaN5EisPvIVMGhq82EUtsuDLo/+5Y4aM4lo+CLul97VE+7RGtg4h9FruoPa"
    "o/JDLYcELNT4x+im/6t0Qu6wAVPUF3Szm9Naru1kEOPwyIVQpZQX7cS8Ob/vC2Azz6KR5L"
    "lD10b5niT93+QLqhz0MaVKf4QfpF6k3oFRNSBym9diN1yd8qEfrrwTtvB+NwLz3wPkQi6j"
    "UlsoVi50IC12yFl0MuAtzqo+RyAtxcEWMfi1aEUnD5HLjMq2uSHhgRpdrreKsZT6sOCmat"
    "gaBp6pzotnSco1TNw/nd5VUepOmw9KOf3Yw7SWxoYlnjhmqmwx0jayDeVcT9uBI7sxkUwD"
    "pK1TyoK2gHSIuxFD+NQ2TiKK71USxciA1zJokE8dOoqiFTZzFkk4QCX5Eufpp08bC9/nBs"
    "b6KzNRTh5Ptbp/SYMA+4/q0Ii7JcXMHAnE6ur0toer4jCzzptFrWhKDyZMoroCxluw1uEM"
    "1vUelfGEPCAriSkeangLfBGs6Xuv4MHh8GSb9W+dNzXVnPyG2A4lGJQl0ndVT53NjHNeLT"
    "1rkNfGsiDaTbh+4dYZu3mKmXatwbPVBHh7ugp1i66/YHHXc9T/FX6frzaPSl4y9odmU86n"
    "2RJuyapSvPsCbeLf814vIwRfLcktSZdXuq7FU1LTtt2lkut2FBf2GdzE8WJOovR/zMaAkX"
    "UDTP7FQJxDSehkzH2e4zKwWGyUSpwAKlAhlwG4KkCguXa+HRNm+Zl29d9XCDrwYiR9weRj"
    "juBMLiWmeLqx+9MjOhbPHU7PTXjEPavLfs47urHK8ZGZX6nrF78fJIHnL71EeKkIqXq84v"
    "l3BnpL9lzXVn6GtctEJSmESY23eb2xleJZiEG14jKbysilqBRVedwt2HWDjHoSAFsd9NhM"
    "jtprOCliU/ldJO586dqql4mXBFPx4v/asIVA/eNE2FyXLmweQHQjUOTdUkuCp16rl7Fs+f"
    "F+xmGa687ba524s3wtBLjwFrArGXPBbyBnaAy4o2sHQg+4OQ5TXCWbH0DWCvkcIpe1f67F"
    "wfXsyr7U7CogCFN++U3rwQIxLgpltBolQNdAlVEMUpcspETlnVyu255JT5lQIcXsfiHfGP"
    "AZWAVaTq/W+bWkVy0TGTi0QeRrPfJuG4SH/Bmuu4EDkDR3ViiOj2pkW3u4XqOHawoIJduh"
    "lsWygvnxXMbTymyQ5WlrQZGS2m5DVraJObmgrmG0A+6QYgIsVaQKcGqjWEzxa4sCAECllg"
    "b92HvuFbwkp/gugFUS+Dl8fMIgJziORo9b7PO3DUQ6yoWTFGJsDOBbbtd57MC3NA0LxA89"
    "JNfzayNU4Q/wS+puzDAUEDwM0S86XfJhEJP1FMO5DyB6PhrT88XmH77G3kMsY6kRWgWpAH"
    "re5wOHoc9qjhO5hjiqlGREk6gGqLMwvaUzwedu/Hn0fUgo5lw1rq5Fpv0O3fzUb30rDj1o"
    "Sc6QbEUzzojyfM9k7rczLb+4006P5dYuZ0Td7QZ/S65LEDZoRXKJCaBmtiZyePWyAVesyN"
    "6QaaLqe8clGyGPMXlK4yw/DbqkzDGdDejB6vBxK4f5B6/XHfq2kfqNTsJr20TTR4kLqD+J"
    "umO6YCC1vg42TCBJ9igt/T9H40I+EJqhnX3ViUy0a4QKZlk20Z4j2YnCBuoKWwScxmjpI9"
    "eR2nPQ6rxWu9b0LQC7K4JsnUozBMIo7B+DEofCnpUDfXlyLa4jSN65zdMxGIHO0WkXP7jB"
    "LttYHWzBVeseNM2TbSPtBpFmrJfV4I5/WXRddWxFdGPgIYPg4G+ZKA0loNFYmtz1vc7Eyw"
    "jrz5IqclL1LGkt8iuzBO93SiJqFUuWvaX1lpHurQytvhqI7kcOXrMMRUfuDRARkDNhF40m"
    "2AMJC9KmmWDmjjJhO4ywRAFZH7NmuSQsQG6oc2oUHkYoIwv7tQRc/hpnJA36+f1VlIOLWP"
    "6dQ+Yd3zum00R3C40teGVQApbDTgUArbgbAdNF2LFHGYp3+rXAmmELJhEoHpbhU9EIwOVN"
    "Dztv6tG7x59fPwuhL1sKtA+Awihl1FNk0pC9TcXSrZVrHerZB1WVCNCoiyY1Bdx1eTfgb/"
    "9CWyf9K8dtpvtd8bg7H0f4/SsCe1wdxZGYRwvYSY3aXzgJX+Aq2kOlbZU7KVMVZaWWhhoj"
    "J2dduUiFnj5oYX1VJEmE/NPFpJZUTWtJkqc5wtmXWPQ1Si7HGBssf2v2dFS6WHSBoQZx3d"
    "o97nKb76Pr326vtE6VW2L9vwtVDWS4SocSBXlPZCBDzd2aeKdIxUZIrX+XhQdNPU5+TZfK"
    "U0I+ghRnc8q8q7WsvUIhJPWNOFNV1E4gmuHxSJJ2z85e+fbtLGHt1ak4QiylG4UE7iQgkt"
    "xRKwbVhEYxza5Ht7QASpmzBZRuDfmM3UoCUdE/tFze8UmCr3xHkrK80Vt114u3xxocWewx"
    "mH3caxwHIMQzep4R/IbmBih3m/DFPXF2AOl4Qh7AKVNzWEOSWsD5yL61gzAg8k2+6EZ+2U"
    "njUrWIN5rZdbisaZLq8+5nFikVHpzUo/JksvCDNBwxTGPGaCPdSagxWa2rG3ZIWRHRzFMA"
    "2TCEx3a4nB2VyGlti0jJp2TJ8JL67dquKxlcRzRTVVPzxxbN0nCKPyaPh6pgy/ICNyB9K5"
    "4hWwdWDoFMY1spcA2RYgwKmIjpO172+JqkyLctGEJBUsoazZS1683GGTiQKb9ZLVGx8F9z"
    "Aed4BpWVM8IQLaRHro0OZHtg3NKb7v3kodYHj5hKePTisaV9PYoJpK4j0cUysCrje8eR0X"
    "ri4/5EGXDkvXSdnNKL7kq5qFCsgGBM3DuJKe3BYRWxS7WPuQME3zYK7EuEIeBc0XWZsV6S"
    "AVJTqeWvj+8lxCW6AtPxVZuf54sWpzrVpWwo4oCojMWSitPEHYPMCr6Q/IEdV+GY+GKfuw"
    "TxA3uSLFBv9lyRSVyWx/XThYoQiCuYM0G2HrLX3s36qS5TLApgBFrK2JQtTxmtPtqBmVTh"
    "AvRA0xhYez6DPj/0NUlcX/JzRF/8LZRv+ryGKwzUwoW7zAz4wQ9SRp87aaSgQ/tkVTa8te"
    "Lp8ktYhXr09YYNLN4xajdRQFWvvkJnDIBb9rz2/RF/IYGyl9IlQcG73AGW1p7Ji8aK+MjB"
    "A+uchj4BbWp2fOvtX1Q7Qi97bGmxfrq8ZKpxcxlkSIxNsjsoBEeM+Wd/OixZnjdCJzYXd9"
    "5gCzJNCFoycerVwxzDVDOG/sRGJ5HRBgzzZ+jp2mQNB4n0zRHLATZ+mslBwEClLuFIRzga"
    "rKQJy+CrGN7E2LE4wT3GtnBeQgdxTKG1FP29cahI8L3VwBpIKLCXmnnkx5BRyynbTBDbIU"
    "3VS9v+CKqBttsIbzN2AONR0/0ah5W6f1qmSFdfjid8gt/xH8+HvvMXRAuE6tCMQ/affcEF"
    "f2CfAJ09c6yGciDaTbh+4dYZ+3xKf4pj/ujR5oWSp3mU+xdNftDzruQp/ir9J1h672+Gtz"
    "mtAfURP6mKFAZEmQtb0pXMgoTicCr/KgLdTZdPSbq85SqaKYIhuiEHkVu3VYx1M7j6O91g"
    "3cvOpraFHVKfKfqbE8ZcNTbzMUDV+HzqdjWLZubn5mabQWeZT7N1iY+gpY8IVwXAMsl4AW"
    "udXJePoB3Jh+//ZWmeTUz63mEVwdY+ElRTw5QrE4sWLBWFBAbvLHN1A+rcRPecRQ9TpLo1"
    "VFqisy1jFSiNpUEOgEYVWQJzaLM0fcRrbG0bQmRH/lIx0QNGBRZwn10m+TiDyfiIcMZPrB"
    "aHjrD48HScbA5taOzcC6OWVjjw010YCWxeJ2thQNgPsIce2GM9eQtdzLfBCnFXFwdQ4lWZ"
    "AvCk3DRLyacukvVIzsaCfyOWcvMFVrxnw6BbSjOJmoh3zegTtHXdLNNXRSu0TBYqNbChGr"
    "s9PO6dt9DrRz+jU1zgvbvGbO0JISLdQri9A5fnBO3Yxfp4nO2SKWYjLPU/YyHl61237+dQ"
    "lN1p/btVjLFqAxyx1wQd+2NqBWzTfAkJFpsW7dWGd2bmDC7w1Tp/k30AKyaw5PWs7LnlzY"
    "zE9/irWFzVzYzJtpM6eb0x56TYhMhG8IreaMBMKybQNM/Ch2sm4pRDzMbj0ReaETB+qJOR"
    "MM6gZuXkUxtKhytKIQqne1qneVWtMApvTsdm+0s3QlDRZp1E3nVwGjASjohi3PWUX/NdNz"
    "3AmBhl4guYI0CB6gilhIkLyWN+CCCApAIQvr7dyx3vDqjlbzkAPqkZ62WuNpdaWY3+9jLr"
    "/fxwy/38c3O9QnW3/m5RhnNJ31CRqoQJXvEoKvBiLC4x4SfpSyeZ6LM5HpU12sCYnpRKcR"
    "ws898iv3QPLvZZ9JZBRZd2r+c0nH8Hu66NqALVKaz0bpydkh2+BPHWGLHSNe6t4GmFCFtC"
    "fRE0A2zXxjNy3LYR1q0rLsqnuMqJVdLwseZepsKVvLIsdQhKhxR///+kEkgn0KnESx7KC9"
    "+t1aIpjrLPh7XpEwwmhcjtFY5PyJnL8aWORqmvMX9DvlqEDhXqjpKlCk8Wqurp26Y8/1V2"
    "Dqa7DQTZZ+50/ScXtugqlzean+CAitjTCLXfEvaWSjAq5mYxHdhVAr1LAGMVAdfmPPih+X"
    "3fszNGWLvXayOiPPdmzyhsVjH35nFbkdBiSZnZ42fwht6pjaVIQ9+eGNk4lTg1el213RBS"
    "WvLVUDpa4zkbJyCdfbrStphdhd1WdLfcTgFwNilbKnGHdb99Lwpj+8JWeHSz/FY2k46bDz"
    "YYp73WFPGgykmw5Q6FelJc6n+Ebq0qo/ZJ+In1B5LBrll/aRbRuuDF5YbXrb1hCJKI+ayL"
    "LQZLIH8Ys3ZhjiIlTNK5hdvinOR2wPHT5CKSw1dT5MRPn5IzZww/ZeMZQBmXiV6vwqCaNn"
    "+tvVXKNnyOxQzPaZJBTKLEfcC7dEz4lsmERgutusHJjQDrQrSy/kqLr3JzszjPNal8OLa3"
    "cIbcwoeSDAN9HZGopwcmOskxl/7MzD3z5hyo/cb2eZ863QyAIl/ULwfGcBumSoaQToJrOy"
    "r5dIWQI3kxdcLJBmQ9N6A8ggsNTX4AKxRWaT4UBFT2QqTrRtZU/hGvB9p1b4VRG5iqe0za"
    "8Qpm/pgoasKbyDQdPlFIiTpDG4F5S2MhPW24/H11NuRo/XAwncP0i9/rjvNTgNJFR2k17a"
    "ttV8kLqDRGeylSFj2mKDYydMbysbI6tHc1n6vMY0lyWb02wt28rSRzHKmswWswnayhrNJh"
    "kTXDnbVrMYrmeGqf8JFW5Jiizg46T74X4+lpISUV95cdj7eJZ82iP6lTw5o6hfqT8kSj91"
    "JHn0tF3ErTSedDxppR6eI/ezzMjjoPkip6S372YLZ5ojckiVkbYpyp/Po8eHwd87RJZ0TG"
    "1DuNPt0z+3c9WFN/QDFjH5RKmOZ5v4S60l0dBxa1Aj596+7RD5MZ3bSz9bssgal36VHsia"
    "piXQyQq//9wdS2MvSMqa4k/9B7odLZBZl93IDeRKD9lJl1KTlAcJqudzLlcikTLXm7eR7N"
    "kePEItfEp19ik52LMSzanZpGAOLJe4FGdto3OQZIW2+C6oc2yJKtPyEhj7F85W2xAe0/RF"
    "3lyPqSul7ZX/FaEUXK8L1zlHWaJ4pvCTV6w6ieQrkXx1euftzuQr4R1vtHd8Y9lwdQfJd1"
    "XcdyvuHo8MaGf6x9nQ2So0dqeD/B6aSFeRAiwsG9ZSty2gLwArqgFNC1y4Lus2IA8j4rqJ"
    "IPmdFdZdQlmzl29Y3toSpRTtLX12UeOjXp7v0xb1yqHynbFa/SJrTrFggoDimDEEpzFMlR"
    "FEQL62t4XmtcxuKeoROkAf25jQARPSvvN76bkx0uZVVTtTPTfNupHQGk4jfDHVgiNz+SpH"
    "uqhFpfb8VQW8KmU/g7luA0YKiPzC0v3J28x8VkQowjaZpw3WcO6NmdPaZ0+IPoC99kQWkt"
    "UVwtxSAlU8Q0hb9ZK2KMuKSlxhGlFPbafQBVcyKtQYISBomp/o6mMecMmojDK1CXgN2bLW"
    "5KguXBcwQdi8HMp3V3k6UZBR6UEIV4k+FKau7R2f5tMeMTQkiG0vEBjSvbnrDzvusTXFj2"
    "PpoQOCeU4eBoKs2V7+0QjdEQNhz95Hyhz3sxci3HCtpKlCSIJOVJJIQEt0p38TibLIxh2m"
    "OeJG8jjpVaUXV15HQjj5hRqc0XTSQLNnuDm07eR9/wvcnOESSHP7RKPyZezI2kz058yGib"
    "pa6HIrAaFPoamauKIUspawKptuXOCBa6rnTTbxYwybiFjI73ogXM30UyfexANRalbXqKgO"
    "5baCQAe3EvZaSjR1FUVbfuyPU7jBSBNxShQS2B+qePWCpsB1oNtli3VGMvCdjDcTnf7MGb"
    "DUc9O3z85onRGqxL7ZLOZ/Cn1Pk65AotJF4PR8TwvdZMwg2gATUYLk9laYVd5d5u7x7tlL"
    "U3eelv7laNI1NzqKXJ8lIP+W6VzrQhMp9BkJ95p3p53lYJO3Y3Z52NLZIPxX9fJfpRrl0s"
    "1H6fa4Cq1HR/SxlNYKMGwgMIog7A1vILrvLi/zWPMvL9PN+fRevPIItiHmnGZZVUcCkuOH"
    "DZ0mPKu0AKGTRop8+3/Ylmcd"
)
