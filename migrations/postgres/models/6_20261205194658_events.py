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
    "keys" JSONB NOT NULL,
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
        ALTER TABLE "subscriptions" ADD "remind_minutes" JSONB;
        ALTER TABLE "subscriptions" ADD "updates" VARCHAR(16) NOT NULL DEFAULT 'phases';
        COMMENT ON COLUMN subscriptions."updates" IS 'EVERY: every\nPHASES: phases\nFIRST: first';
        ALTER TABLE "alerts" ADD CONSTRAINT "fk_alerts_events_633870e5" FOREIGN KEY ("event_id") REFERENCES "events" ("id") ON DELETE SET NULL;"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        ALTER TABLE "alerts" DROP CONSTRAINT IF EXISTS "fk_alerts_events_633870e5";
        ALTER TABLE "alerts" DROP COLUMN "event_id";
        ALTER TABLE "subscriptions" DROP COLUMN "remind_minutes";
        ALTER TABLE "subscriptions" DROP COLUMN "updates";
        DROP TABLE IF EXISTS "event_phases";
        DROP TABLE IF EXISTS "events";
        DROP TABLE IF EXISTS "event_messages";
        DROP TABLE IF EXISTS "event_sources";
        DROP TABLE IF EXISTS "reminders";
        DROP TABLE IF EXISTS "calendar_tokens";"""


MODELS_STATE = (
    "eJztXXtz2ki2/ypd/DNOFZNynGRmLnPrVhGsOGww+AKezO4wxQqpMb0WLa0exuzefPfb3X"
    "qgR0tIIIHQdlXKsVt9WvA7/Tjv/ndrratQs952H/pf4bbVAf9uYXkNyS+xJ23Qkg1j104b"
    "bHmhsa6ygebPcMsa5YVlm7Jik/alrFmQNKnQUkxk2EjHtHcXAzIoIAQdoGNtC+wVBIaz0J"
    "ACDBMu0SuQsQpkMPnS/fHm409AX7IuFlRMaAPZhAC+QBNYtm5C9S19qaor5K0IP1U0voPR"
    "Px04t/UnSHqa5C1//EmaEVbhK7T8P43n+RJBTY3AiFQ6AGuf21uDtfWx/Zl1pB99MVd0zV"
    "njXWdja690HPRG2KatTxBDU7YhHd42HQosdjTN44GPtftJd13cjxiiUeFSdjTKHkrtfoBd"
    "W2s+H46m84k0nc9bCdb5FCG0vSZFx5Tt5KNa7Ns/0Y/w4827Dz9/+OX9Tx9+IV3Yxwxafv"
    "7uvnoHjEvI4BlOW9/Zc9mW3R4M4x2o7P8ErL2VbPJx9fvHkCUfOY6sj2MWtH7DDtvdTD8F"
    "uGv5da5B/GSvyJ8/fchA8rfuuPelO7766cMb+kKdLEx3xQ69JzfsEQV7B667RorAu6MoB+"
    "Dzzt0IvO9+ygHvu59S4aWPovC628x8JVurIhjHyMRMzjGTLUWnYyRQ/stkNExBOaCIAawi"
    "xQb/BzRkJTbjsoBu/ffSwQrFECwcpNkIW2/p+/6nVRH8GXBThOjIa8v6pxaG+eq++3ucA7"
    "3B6BODTLfsJ5ONwgb4FGMHfDUQeTyX7SRLbgmYNlpDPluilHHWeKRv/V9yMMjbUOqyEDI4"
    "Me3fS5Np9/4hwo7b7lSiT25Y6zbWehXfj4JBwLf+9Augf4K/jYZSnGtBv+nfWvQzyY6tz7"
    "G+mctqGBO/2W+KcFmTLXvuWFA9gM9xWsHpOnPaseQnSLjnYA6jU2XcGNV+Ybes/fW61sLu"
    "DlYTvujPBy2fKKVYPHVePESao7gfwOUoZQlcrp1YSL6gOiKauzcDL4Tt3mLZs2VCc17IJB"
    "CiON1WWXPTADW2LJ+5lgEKVxLdz7oJ0RP+CrcM5D75RDJWeCYBz+r16A1zYeB+92eP37qb"
    "lqa8CaxT4UlFvjv5xtB21c/upNe9lVoM4YWsPG9kU51HoKZP9Bs91hL0TT5a36zjLTImIo"
    "DqfQv6mX1bowZNu8UzQrIH7UwbJO2S1wIJiJ5nQhUgG66BvNBfoGsBpBY/8htZ7ytdU9tg"
    "g+wV6WQBooBoBE9CQj67trWQxbE7ljWqsDbWy9poI1vjmBun8DUF2IDgdFaa1hmMBFPp92"
    "m2kSA4ewej4Z3fPW45iEq/jqkVMYt53RsAdNQYdnP94Zcc5jDaLdUg5j6MmcR0x1QK2c53"
    "FM0D+WMe6y7plQ7xx4R9l7xxiVSIeSh/1nQ5Zc+IksWgXlK6csA+5cacAe7t6PHTQAIPY6"
    "nXn/Q9Y2MgqbOHtIk0IFc0GUvdQQzphYw5x136TPb7VzWPz+elyLNVpO8TiU3Cl0aKWM7D"
    "NPWwndPXNsZ2voRQpUL23DEKSHgxKmFri9vaAoBUfYMPAdanE9CmQot1e24/cU7D/eiGSA"
    "XAcYAvy4J40sOxuQZEn3WLbTEzYoLuoPVUM39A2SsKvkBsF8M1TCIgTUJKbWHFEA1RCED3"
    "2rspWiXYu/veMJeFbV5zd2hKRczd5P1g+DgYtJK7QAmYSv44zQQ1vPPlQHV3AJ3OPXOhyC"
    "bO6hR40500SSk8Cfonj/Lz1zHUZPZdUvFm/pfPoaEa4heLzFDyTdELNBEvYrAIWLfuONum"
    "4rREpmXPjZVsHYsU2yEf6EDNWcwcgdK1oJeB1SSwxTdlYh3pTg6b3deGjLmL917G26lOf+"
    "Y8XnpsrIMW8FkdoRkHDPtm85hbPfQ9TToByZkTmIADd/pSNxkrnll+kIezfzIFjPKeumTe"
    "Q3tl6s7TKmifR3jEDTwg7fME5N/3Bw0EZ1Na8ED48NoTRDAPn5l5ggloNMUPFnjRbQh0DG"
    "Tyj44DrmaO+st7lfxUPqhtEPqLDKObYNbCug1kML2TZq03HfIbmVZQ06AK4Ku8NjTSDbNU"
    "JBkskWZDkxd0cOK3c4IT/nBxY0+pYPaniFY4Y7QCYcHS4fjQP+m6BmWcGmXmEcUAXhCqyz"
    "1veAh+Go0GEWPfp348LOHx/pM0vnr3JuqBTBo3Ui3bmVinG7WrBDtouVi0L8veLSJmyzF4"
    "u0dyoZMiTCJiZjkrSUQhV2yVDeShI+1cQdzrhcGb19IVXqn8QOT4tD2d8fBSMa1pbHeP8B"
    "qrsjnVnyFucdS0aId2lpqmeF2JFkL65g76Nkz0QvgN+r0JoDoeIKcQOaisUJmIWEkINj5A"
    "llcL4ldAM6wU+jF4mljp44tA8HqpVoxdhTP3o1SNq5BQftq+SIAUCZBCnWumOidUD5EAKY"
    "TkVCHZc8jwxOOdryZDMA47WPKIxBvZVlZEUjVM/R9QsTtuwqKiU5ABOeERhj9YgK7otWzr"
    "TFRl8fVgaepr2tniSsJlDSsE4HoJwOetu1YjoffdTZ6UG9IrvTDYTTLtRkP8mIqMrJsdST"
    "2SbhpVsGpnXsjLjx2FYEfp7DBMRE4QmxNASHcgCTvrhHATYU6Y/oS5rPfSbf/xviATWl/6"
    "d186gP6cYXeEDnD/n+HB6FsHkB/xkzfPzlVyqiCB2nY4SyQfR3bUJ8vJbBGJCL3Aouzo9q"
    "b936QOcKlnuD/0WxAOjXj26pIqkahQsT0rRCI2rdI3rZWMVa3YoR4iEQwpnSHwVdEci3zI"
    "QjyJUgm2lM4WYQ5MPzMabA401AO5HqUUXK8L1zm2/yDQO2FH25e9wuLnywicv1hXT4UR86"
    "EQ7+PC5Q+OUrmoYPngW8ZD5aOZB9Fo+Ug8fDxYPhpKX0K0fCL/xLXDmmUw+VCHwEXx2P+S"
    "cRYzHH3xLsZi6koozGHmf4iMmp/BmR6EIPmM40IIJ6al+xCiaXD7nQjTFQS6Yy/0VxrnAo"
    "Gpb4BBswZYFsLMub5WfwaEhoisbKdug42JbBtitw4i9Qywrm2gaDI5qlV2O4tFNu2kZ6Hi"
    "d2XnNoTGTaQ4/BEyZWD4ahOxxIZrg/7v9hU+ilP5KOiUPtQe5dOe0DqI2Gexi9qj+kMigw"
    "2n1PzE6Gf4tn9H5LIOUNETdLeU81uj6m4d5PDDgFilkBXkx4M0vO0P7zrAo5/hiUTZQ/eW"
    "Gf7c7Q+kW/o+pEF1hsfSX6TelLaYkDpIadut1CV/q0TorwfvvB2Mw730wPsQiajXlMgWip"
    "0LCVyzFV4OuQhwq4+Sywlwc0WMQyxaEUrB5UvgMq+uSXpgRJTqoOOtZjytOiiYXQ0ETVPn"
    "RLel4xylah7O765v8iBNu6Uf/exh3EliQxPLGjdUMx3uGFkD8a4i7seV2JnNoADWUarmQV"
    "3BdYC0GEvx0zhEJo7iWh/FwoXYMGeSSBA/j6oaMnUWQzZJKPAV6eLnSRcP2+uPx/Y2OlpD"
    "EU6u3zqlx4R5wPVvRViU5eIKOuZ0cn1bQdPzHVngSafVsqYElSdTXgNlJdttcItofotK/8"
    "IYEhbAtYw0PwW8DTZwsdL1Z/A4HiT9WuUPz3VlPSP3AhSPShTqOqujyufGIa4Rn7bO18C3"
    "ptJAuht37wnbvMlMvVST3mhMHR3uhJ5h6b7bH3Tc+TzD36RPX0ajrx1/QrOWyaj3VZqyNk"
    "tXnmFNvFv+MuLyMEXy3JHUmXUHquxVXVp23rSzXG7Dgv7COpmfLEjUX474mXElXEDRPLNT"
    "JRDTeBoyHGe7z6wUGCYTpQILlApkwG0JkiosXK6FR9u8aV6+ddXDDb4aiBxxBxjhuAMIi2"
    "udLa5+9MrchLLFU7PTlxmHtHmr7OO7mxzLjPRKXWfsWbw8kofcIfWRIqRicdV5cQl3Rvoq"
    "a647Q9/gohWSwiTC3L7f3M7wKsEk3PAaSeFpVdQKLG7VKXz7EAvnOBakIPa7iRC5t+msoW"
    "XJT6Vcp3PvDtVUvEy4ph+Pl/5VBKqxN0xTYbKcRTD4kVBNQkM1Ca5KnXrunsXz5wW7WYYr"
    "b7dt7vfijTD00mPAhkDsJY+FvIEd4LKiDSwdyH4nZHkX4axZ+gawN0jhlL0rfXSuDy/m1X"
    "YHYVGAwpt3Tm9eiBEJcNOtIFGqBrqEKojiFDllIqesauX2UnLK/EoBDu/G4j3xjwGVgFWk"
    "6v1nm1pFctEpk4tEHkazV5NwXKQvsOY6LkTOwEmdGCK6vWnR7W6hOo4dLKhgl24G2xXKy2"
    "cFcy8e02QHKyt6GRktpuRd1tAmDzUVLLaAfNItQESKtYBODVQbCJ8tcGVBCBQywd66L33D"
    "t4SV/gZxF0S9DF4eM4sIzCGSk9X7vuzAUQ+xombFGJkAOxfYtn/zZF6YA4LmBZqXbvojU7"
    "FQwW2/fz1KbdPXNqbUto1sjZNPMYWvKUdiQNCAeZ6lcUm/T7PBDhSuwWh453ePc+Di3RUy"
    "xjpZAVAtyINWdzgcPQ571AcRjDHDVDmlJB1AFfe5Be0Zngy7D5MvI+rMwLJhrXTS1ht0+/"
    "fz0YM07LjlOee6AfEMD/qTKXOD0EXP3CC30qD7V4l5NjR5S9/R65LXDpg/RKFAahqsicuD"
    "vG6JVOgxN6amabqcsuSiZDHmLyldZTb6t1VZ6TOgvR09fhpI4GEs9fqTvrfnBdYN9pA27X"
    "I+xlJ3EF9pumMqsLAzJE4mvCEp3pADvSAns9eeobB03e12ucy1S2RaNtmWIT6AyQniBhpt"
    "m8Rs5rM6kNdx2tOwWizrQ3OzXpDFtQ6nHoVhEnEMxo9B4dZKh7q5bi1xQ1HTuM7ZPRMx4d"
    "GLO3Jun1GigzbQmkUlVOzDVHZ3mh/pvwzdjn5ZCOd1XUbnVsRtST4CGD4OBvnysdJufSqS"
    "5pC3ztyFYB1Z+SK9KC9Sxop/W3lhnB7oQE1CqfIoAX9mpQULhGbenpiBSDpdvsuemMoPPD"
    "ogY8AGAk+6DRAGslewztIBvUPLBO40AVBF5LnN7qshYgMNCTChQeRigjD/oqeK3sPNqoF+"
    "iEXWJU8ivuCU8QVnLEFft43mBL5vumxYMZbCRgMOpbAdCNtB07VIERJ7/lXlSjCFkA2TCE"
    "z3q+iBYHSkgp73Fua6wZtXPw/PK1GavAqELyB421Vk05SyQM3dp5LtFOv9ClmXBdWogCg7"
    "BtV1fDXpV/B3XyL7Oy0xQK++7fcmYCL976M07EltsHDWBiHcrCBmT+k4YK2/QCupjlX2lm"
    "xljFW5FlqYKFJe3TYlYta4afpFtRQR5lMzj1ZSGZE1ba7KHGdLZgnqEJWoQF2gArX9r3nR"
    "qvUhkgbEWUf3qPd56uC+Ty+D+z5RBZftyzZ8LZSAFCFqHMgVZSARAU93DinoHSMVSft1Ph"
    "4U3TT1BXk3XynNCHqI0Z3OqvKu1jK1iMQT1nRhTReReILrR0XiCRt/+funm7RxwMW5SUIR"
    "5ShcKGdxoYSmYgnYNiyiMQ5tct0eEUHqJkyWEfg3YSM1aErHxH5Rfj0Fpso9cd7MSnPF7S"
    "bePl9caLLncMZh9w5fYDmGoZvU8A9kNzCxw7xfhqnrS7CAK8IQ1kDlTQ1hTjXxI8fiOtaM"
    "wAPJtjvhWTunZ80K5mBe6+WOonGmy5uPeZxYpFf6vbEfk6UXhJmgYQpjHjPBAWrN0QpN7d"
    "hbssLIDo5imIZJBKb7tcTgbC5DS2xaRk07ps+EJ9d+VfHUSuKlopqqH545tu4zhFF5NNye"
    "KcMvSY/cgXSueAVsHRg6hXGD7BVAtgUIcCqi/WTtxzuiKtOiXDQhSQUrKGv2ihcvd9xgot"
    "ZpvWT1xkfBjSeTDjAta4anRECbSuMOvYfKtqE5ww/dO6kDDC+f8PzRaUXjahobVFNJvIdj"
    "akXA9bo37/KLm+sPedCl3dJ1UvYwii/5qmahWr4BQfMwruR6dIuILYpd7CaXME3zYK7EuE"
    "JeBc0XWZsXucwrSnQ6tfD99aWEtkBbfioyc/3+YtbmmrWshB1RFBAZs1BaeYKweYBXc1Uj"
    "R1RLL/odEIiq3xFraxlVvyGm8HAmfWb8f4iqsvj/hKboN1xs9L+KLAbb3ISyxQv8zAhRT5"
    "I2b6upRPBjWzS1thzk8klSi3j1+oQFJt08bjFaR1GgdUhuAodc8Lv2/BZXdJ5iI6VvhIpj"
    "oxc4p7dLOyYv2isjI4RPLvIYuIX16ZlzaHX9EK3Iva3x5sWuuGOl04sYSyJEYvWILCAR3r"
    "Pj3aJoceY4nchc2F+fOcAsCXTh6IlHK1cMc80Qzhs7kZheRwTYs42fY6cpEDTeJ0M0B+zE"
    "WTovJQeBgpQ7BeFSoKoyEKevQmwje9viBOMEz9pZATnI7YXyRtTTm4QNwselbq4BUsHVlK"
    "ypJ1NeA4dsJ21wiyxFN1XvL7gm6kYbbODiDVhATcdPNGre1mm9KllhN3zxLysu/xX8+Hvv"
    "NbRDuE6tCMQ/60XGIa4cEuATpq91kM9UGkh34+49YZ83xWf4tj/pjca0LJU7zWdYuu/2Bx"
    "13os/wN+lTh872+LI5T+iPqAl9ylAgMiXI3N4WLmQUpxOBV3nQFupsOvrNVWepVFFMkQ1R"
    "iLyK/Tqs46mdp9Fe6wZuXvU1NKnqFPnP1FiesuGptxmKhq9D59MxLFs3t7+yNFqLvMr9Gy"
    "xNfQ0s+EI4rgGWS0CL3OqkP/0Abky//3inTHLq51bzCq6OsfSSIp4coVicWbFgLCggN/n9"
    "GyifVuKnPGGoep2l0aoi1RUZ6xgpRG0qCHSCsCrIE5vFhSNuI1vjaFpTor/ykQ4IGjCps4"
    "R66fdpRJ5PxEMGMv1gNLzzu8eDJGNgc2vHZmDdnLKxp4aaaECrYnE7O4oGwH2CuHbDWWjI"
    "Wh1kPojTiji4OoeSLKGtHMbnKKXgcp25TG3xBzE5Qih4XGceL8kXhaZhIl51yPSjMUZ2Mt"
    "n6kvOQmNFkzryzBewccTJR2fyyQ/BOOqWb67KgFsaCZYN3FCLqbq/HwrfgHumx8KvjXBa2"
    "eR0WoSl1RKQdq3h0ZBRZw0oHcw7OU4bZ1c2MfZ44ux1iKc6vPAVs44GS+z1h31bQpLWoPN"
    "+TbAGafdABV3S1tQH1T7wBhoxMqw0sHWCdeayACX80TJ1m0kELyK5jK+kDK3tw4f06/ynW"
    "Ft4v4f1qpveLbk6H2F92ZCIQS2g1FyQQlm0bYOJHsZN1RyEi2/bricgLgjpST8yZKlQ3cP"
    "MqiqFJleNSGaF6V6t6V6k1DSAtes1RmNwH7SxdSaNdclcKpuOrgNEAFNxrLy/Y3Rwbpue4"
    "AwINvUDSgjQIxlBFLLhP3shbcEUEBUB9NW8XjvWGV0G4mpccUVn4vHVXz6srxTz4H3N58D"
    "9mePA/vtmjPtn6M69aQMb10T5BAxWo8l1C8NVARHg8QMKPUjbPc3EhMn2qizUhMZ3pNEL4"
    "uUd+5R5I/rPsM4n0IvNOzX8u6Rj+SCddG7BJSjNTKT05O2Qb/ENH2GLHiJeEuwUmVCG9Xe"
    "wJIJvmsLKHluWwu6bS8mWre42oel8vCx5l6nwlW6six1CEqHFH/3/6QSSCfQqcRLE8v4Nu"
    "rrZEMNdF8PeyImGE0bgco7HI3hXZuzWwyNU0eze4uZijAoVvNU5XgSJXKOe6f1d37IX+Ck"
    "x9A5a6yRJp/UE67u25YOZcX6s/A0JrI8xiV/wmjWxUwNVsLKK7EGqFGtYgBqrDv6K34tdl"
    "3+IbGrLFlp2szsm7HZussHjswx+str7DgCSj09PmT6FNnVKbirAnP7xxMnFq8OrtuzO6oO"
    "S1o2qg1HUhUla+bJhg60paIfbX59pRnzD4xYBYpewpxt3WgzS87Q/vyNnh0s/wRBpOO+x8"
    "mOFed9iTBgPptgMU+lXpZQUzfCt1af0usk/ET6g8Fo3yi3TJtg3XBi+sNv0C5hCJKHScyL"
    "LQZLIH8cuwZhjiIlTNK31fvinOR+wAHT5CKSw1dT5MxEUSJ7yKEdsHxVAGZGIp1XkpCaNn"
    "+upqrtEzZHYoZvtMEgplliPuMftOMWTDJALT/WblwIR2pF1ZeiFH1YM/2IVhnNe6HJ5c+0"
    "NoY0bJIwG+jY7WUISTG2OdzPgTZxH+9glTfuR5O8ucb4V6FijOGYLnBwvQKUNNI0A3mZV9"
    "s0LKCriZvOBqiTQbmtYbQDqBlb4BV4hNMpt0Byp6IkNxom0rewvXgO87tcJLReQqntM2v0"
    "aYrtIlDVlTeAeDpsspECdJY3AvKW1lJqy3H0+vp9yOHj8NJPAwlnr9Sd+7qjiQUNlD2rS7"
    "IHcsdQeJOwbXhozpZTkcO2H6BdExsnpcE03f15hrosnmNN/ItrLyUYyyJvOy6ARtZVdGJx"
    "kTtFzspdEYbuaGqf8DKtySFFnAx0kPw/1yLCUlor724rAP8Sz5tCf0K3lyRlG/Un9IlH7q"
    "SPLo6cUvd9Jk2vGklXp4jtzPMievg+aLnJLevp8tnGFOyCFVRtq2KH++jB7Hg792iCzpmN"
    "qWcKfbp3/uxqoLb+gHLGLyiVKdzjbxX7WWREPHrUGNnAf7tkPkp3Rur/xsySJzXPpNGpM5"
    "TS8zIDP84Ut3Ik28IClrhj/3x3Q7WiKzLruRG8iVHrKTLqUmKY8SVC/nXK5EImWuN28jKe"
    "5pSFILn1KdfUoO9qxEC2o2KZgDyyUuxVnb6BwkmSi0LxwpOFPn2BFVpuUlMPYbLlbbEB7T"
    "9EneXI+pK6UdlP8VoRRcrwvXOUdZonim8JNXrDqJ5CuRfHV+5+3e5CvhHW+0d3xr2XB9D8"
    "l3Vdy1FXePRzq0M/3jrOt8Heq710H+AE2kq0gBFpYNa6XbFtCXgBXVgKYFrlyXdRuQlxFx"
    "3USQ/M4K666grNmrNyxvbYVSivaWPrqo8VEvz/d5i3rlUPkuWK1+kTWnWDBBQHHKGILzGK"
    "bKCCIgX9vbQvNaZncU9QgdoK9tTOiACRUaLXWInhsjbV5VtQvVc9OsGwmt4TzCF1MtODKX"
    "r3Kki1pUas9fVcCrUvYrWOg2YKSAyC8s3Z+sZuazIkIRtsk4bbCBC6/PgtY+e0L0BWzZE1"
    "lIVtcIc0sJVPEOIW3VS9qiLCsqcYVpRD21vUIXXMuo0MUIAUHT/EQ3H/OAS3pllKlNwGvI"
    "lrUhR3XhuoAJwublUL67yXMTBemVHoRwk7iHwtS1g+PTfNoThoYEse0FAkO6t/f9Ycc9tm"
    "b4cSKNOyAY5+xhIMiaH+QfjdCdMBD24n2kzHE/fyHCDddKmiqEJOhEJYkEtER3+heRKIts"
    "3GGaE24kj9NeVXpx5XUkhJNfqMEZl04aaP4Mt8deO/nQ/wq3FzgF0tw+0ah8GTuyNhf3c2"
    "bDRF0tdLqVgNDn0FBNnFEKmUtYlU03LvDIOdXzBpv6MYZNRCzkdz0Srmb6qRMr8UiUmnVr"
    "VFSHcq+CQEdfJexdKdHUWRS98uNwnMIXjDQRp0QhgcOhilcvaApcR7pddlhnJAPfy3g71e"
    "nPnAFLPTd9++KM1hmhSuybzWP+p9D3NOkMJCpdBE7P97TUTcYMog0wESVIbm+FWeU9Ze4e"
    "75m9MnXnaeU3R5OuudFRpH2egPx7pnOtC02k0Hck3Gvek3aWg03e9dnnYUtng/Bf1ct/lW"
    "qUSzcfpdvjKrQendDHUtpVgGEDgVEEYa97A9F9d32dx5p/fZ1uzqfP4pVHsA0x5zTLqjoS"
    "kJw+bOg84VmlBQidNVLk+/8DmYEZHw=="
)
