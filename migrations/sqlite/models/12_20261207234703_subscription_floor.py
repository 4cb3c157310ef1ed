from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

# A subscription's confidence floor becomes optional: `subscriptions.min_confidence` NULL means
# "the scorer's threshold for each item", which every alert now records (`alerts.threshold`:
# the threshold its item was judged at, e.g. the CJK model's for zh/ja/ko items). Existing
# rows keep their floor: a stored number cannot say whether someone chose it, so nobody's
# choice is taken back; `/filter default` (or PATCH min_confidence: null) follows the scorer.
# The state is `makemigrations`'; the statements are written by hand: SQLite cannot drop NOT
# NULL from a column, so the table is rebuilt the way SQLite's ALTER TABLE page describes
# (no table references subscriptions). The downgrade gives floorless rows the old default.


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        ALTER TABLE "alerts" ADD "threshold" REAL;
        CREATE TABLE "_subscriptions_new" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "min_confidence" REAL,
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
    "new_projects" INT,
    "remind_minutes" JSON,
    "updates" VARCHAR(16) NOT NULL DEFAULT 'phases' /* EVERY: every\nPHASES: phases\nFIRST: first */,
    CONSTRAINT "uid_subscriptio_user_id_289885" UNIQUE ("user_id", "destination_id")
);
        INSERT INTO "_subscriptions_new" ("id", "min_confidence", "company_ids", "use_watchlist", "mode", "digest_interval", "digest_hour", "last_digest_at", "unsubscribe_token", "active", "created_at", "updated_at", "destination_id", "user_id", "new_projects", "remind_minutes", "updates")
            SELECT "id", "min_confidence", "company_ids", "use_watchlist", "mode", "digest_interval", "digest_hour", "last_digest_at", "unsubscribe_token", "active", "created_at", "updated_at", "destination_id", "user_id", "new_projects", "remind_minutes", "updates" FROM "subscriptions";
        DROP TABLE "subscriptions";
        ALTER TABLE "_subscriptions_new" RENAME TO "subscriptions";
        CREATE INDEX IF NOT EXISTS "idx_subscriptio_active_7995c7" ON "subscriptions" ("active");"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        ALTER TABLE "alerts" DROP COLUMN "threshold";
        CREATE TABLE "_subscriptions_new" (
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
    "new_projects" INT,
    "remind_minutes" JSON,
    "updates" VARCHAR(16) NOT NULL DEFAULT 'phases' /* EVERY: every\nPHASES: phases\nFIRST: first */,
    CONSTRAINT "uid_subscriptio_user_id_289885" UNIQUE ("user_id", "destination_id")
);
        INSERT INTO "_subscriptions_new" ("id", "min_confidence", "company_ids", "use_watchlist", "mode", "digest_interval", "digest_hour", "last_digest_at", "unsubscribe_token", "active", "created_at", "updated_at", "destination_id", "user_id", "new_projects", "remind_minutes", "updates")
            SELECT "id", COALESCE("min_confidence", 0.5), "company_ids", "use_watchlist", "mode", "digest_interval", "digest_hour", "last_digest_at", "unsubscribe_token", "active", "created_at", "updated_at", "destination_id", "user_id", "new_projects", "remind_minutes", "updates" FROM "subscriptions";
        DROP TABLE "subscriptions";
        ALTER TABLE "_subscriptions_new" RENAME TO "subscriptions";
        CREATE INDEX IF NOT EXISTS "idx_subscriptio_active_7995c7" ON "subscriptions" ("active");"""


MODELS_STATE = (
    "eJztXXuT4ja2/yoq/slMFZnq6cwkueTWrWJoTw87NPRt6CS7IeU1tmiUNjLxo2l2b777le"
    "QHfsjGNjYYr6pSk8bWkeF3ZOm8z787a0ODuvWufz/8CnedHvh3BytrSP6I3emCjrLZ7K/T"
    "C7ay0NlQZYPkZ7hjF5WFZZuKapPrS0W3ILmkQUs10cZGBqaj+xiQSQEh6AED6ztgryDYOA"
    "sdqWBjwiV6BQrWgAKmX/rfXn/8HhhLNsSCqgltoJgQwBdoAss2TKi9ow/VDJU8FeGnmuZ3"
    "MPrTgbJtPEEy0iRP+e13chlhDb5Cy/+4eZaXCOpaBEak0QnYddnebdi1IbY/s4H0qy9k1d"
    "CdNd4P3uzslYGD0Qjb9OoTxNBUbEint02HAosdXfd44GPtftP9EPcrhmg0uFQcnbKHUrtf"
    "YH+tI8vjyUyeSjNZ7iRY51OE0PYuqQambCdf1WK//ol+hW+v33/44cOP333/4UcyhH3N4M"
    "oPf7mP3gPjEjJ4xrPOX+y+YivuCIbxHlT2/wSsg5Vi8nH1x8eQJV85jqyPYxa0/oU9tvuV"
    "fgpw18qrrEP8ZK/Ix+8/ZCD5c/9h8KX/8Ob7D2/pAw3yYrpv7Ni7c81uUbD34LrvSBF49x"
    "TVAHzetRuB9/33OeB9/30qvPRWFF53m5FXirUqgnGMTKzkHCvZUg06RwLlv00n4xSUA4oY"
    "wBpSbfB/QEdWYjOuCujOfy8drFIMwcJBuo2w9Y4+7386NcGfATdFiM68tqw/9TDMb+76v8"
    "Y5MBhNPjHIDMt+MtksbIJPMXbA1w0it2XFTrLkhoBpozXksyVKGWeNR/rO/yMHg7wNpSkv"
    "QgYnZsM7aTrr391H2HHTn0n0zjW7uotdfRPfj4JJwC/D2RdAP4J/TMZSnGvBuNk/OvQ7KY"
    "5tyNjYyooWxsS/7F+KcFlXLFt2LKiV4HOcVnC6yZx2LOUJEu45mMPoVBk3RnVY2K1qf71q"
    "tLC7h9WEL8ZzqdcnSilenia/PESao7iX4HKUsgIuN04sJD9QmxDN3VuBF8J272U5sGVCUy"
    "5kEghRnG6rbLhpgBpbls9cywCFK4nuZ8OE6Al/hTsG8pB8IwWrPJOAZ/V69Ka5MHD/8leP"
    "f3W/LE1lG1inwouK/Hbyi6Htqp/96aB/I3UYwgtFfd4qpiZHoKZ3jGsjdiUYm7y1vl7Hry"
    "iYiACa9yvod/ZtjTo07Q7PCMludDNtkHRIXgskIHqeCTWAbLgGysJ4ga4FkFr8yF/kfV8Z"
    "utYFW2SvyCALEAVEJ3gSEvLd9Z2FLI7dsapZhbWxWdZGG9k6x9w4g68pwAYEp7PSdM5gJJ"
    "hJv86yjQTB2TuajG/94XHLQVT6dUy9iFnMG94CoKPGsOurDz/mMIfRYakGMfdmzCRmOKZa"
    "yHa+p2gfyB/zWHfJqHSIPybsu+SJS6RBzEP5s24oKXtGlCwG9ZLSVQP2KTfmDHBvJo+fRh"
    "K4f5AGw+nQMzYGkjq7SS+RC8gVTR6k/iiGdHCkFgI6QlUS58vRi6vAeaFgDsTpO4Y/vq79"
    "4nzeoDxbcvp+nNiMfamviIciTNMMHwV9bGt8FEsINarMyM6mgCQdoxI2zbhNMwBIM7a4DL"
    "A+nYA2FVps2LL9xJE6DqMbIhUAxwG+LEvtSQ/H9hpqVeOFMOIJysaymL02SVjqjWqYhFnX"
    "O7XYFUQ3TifATYILXyC2i+EaJhGQJiGlJt1iiIYoBKAH3TYUrQrcNkNvmsvCNq/XJrSkIl"
    "4b8nwwfhyNOsldoAJMJX+edoIa3vlyoBo63gW2h7BNykJ5EA6O+NP5cS8V37g0lAJvujc3"
    "qUYmQf/kUX7++gB1hf2WVLyZo/ZzaKqWONAjK5T8UkQWNuKFFhcB68adZ9dWnJbItGx5s1"
    "KsY5Fi++Q9nag9LzNHZHddbVVgNQ2cdm1ZWEfGnYRP8PVGwdyX907Bu5lB/815vAzYXKVe"
    "4LNGTGQcMOyXybH4m9DvNOkCJGdO4MMI4m6WhslY8cwSCT2c/ZMpYJR31yXzbtor03CeVs"
    "F1OcIjboQSuS4nIP/rcHRRcDalRRmFD68D0UZy+MzME3VEw66+scCLYUNgYKCQ/+g84M3c"
    "0X78TiP/qh+0Lgh9ItMYJph3sGEDBcxupXnnbY/8RZYV1HWoAfiqrDc6GYZZzqIClki3oc"
    "mLTjrx0zlRTL+5uLG7VDD7XYQ1nTGsibBg6XCCbT4Zhg4VnBqO6hHFAF4Qqss9b3gIfppM"
    "RhFr9adhPH7p8e6T9PDm/duoCz1pPkp1zWRine6VqRPs4MrFon1ZDhsRWl+Nx8Y9kgudFG"
    "ESEVzPeZNEukLNdu9AHjrSzhUEyF8YvHktXeE3lZ+xEF+2pzMeXiqmDU0CGRBeY00xZ8Yz"
    "xB2OmhYd0M1S01RvKNFCyNjc2SEbE70QfoPhYAqojgfIKUQOKitUTyZWO4bND5DlFY35Cd"
    "BUTJV+DZ4mVvn8ImOkWaoVY1fhEh9RqtaVUqm+vofIlBaZ0kKda6c6J1QPkSkthORUIdlz"
    "yPDE472vJkMwDjtY8ojEW8VWV0RS3ZjGH1C1e25ms2pQkAE54RGG31iAvtFrxTaYqMoSRM"
    "DSNNZ0sMWVhKuaVgjAzRKAz1ugsUFC7/vrPDljZFR6BcHrZN6YjvgxFRlpY3uSZmSNtaqy"
    "3d68kJcfewrBjsrZsTEROUFsTgAh3YEk7KwTwk2EOWH6Eya930k3w8e7gkzofBnefukB+u"
    "8cuzP0gPv/OR5NfukB8k/85M2zc1Wc60qgth3OK5KPI3vqkyUVd4hEhF5gUXb0B7Phz1IP"
    "uNRzPBz7VxAOzXj2MrQakahQsT0rRCI2rco3rZWCNb3YoR4iEQypnCHwVdUdi3zJQjyJUg"
    "m2VM4WYQ5MPzNabA7caCW5HqUUXG8K1zm2/yDQO2FHO5S9wuLnqwicv1hXT40R86EQ7+PC"
    "5UtHqVxUsHzwK+Oh8tHMg2i0fCQePh4sHw2lryBaPpF/4tphzSqYXNYhcFE89n9knMUMR1"
    "+8i7GYuhIKc5j5HyKz5mdwpgchSD7juBDCiWnpPoRoGtxhJ8JsBYHh2Avjlca5QGAaW7Ch"
    "WQMsC2HuXF1pPwBCQ0RWtlN3wdZEtg2xWzCVegbY0C5QdYUc1Rpr42SRTTvpWaj5Wdm5Da"
    "F5EykOv4VMGRi+2kQsseF6Q//vjhU+ilP5KOiSLmuP8mlPaB1E7LvYRe1RwzGRwcYzan5i"
    "9HN8M7wlclkPaOgJulvK+a1RTbcOcvixgVijkBXkx700vhmOb3vAo5/jqUTZQ/eWOf7cH4"
    "6kG/o8pENtjh+kv0mDGb1iQuogpddupD75rBGhvxm883YwDvfSA+9DJKLgWCJbKHYuJHDN"
    "Vng55CLArTlKLifAzRUxyli0IpSCy5fAZV5dk/TAiChVqeOtYTytOyiY9RCDpmlwotvScY"
    "5StQ/n91fXeZCmw9KPfnYz7iSxoYkVnRuqmQ53jKyFeNcR9+NK7MxmUADrKFX7oK6hbygt"
    "xlL8NA6RiaO40UexcCG2zJkkEsTPo6qGTJ3FkE0SCnxFuvh50sXD9vrjsb2JztZShJPvb5"
    "PSY8I84Pq3IizKcnEFA3M6uX5ZQdPzHVngyaDVsmYElSdTWQN1pdhdcINofotGP2EMCQvg"
    "WkG6nwLeBVu4WBnGM3h8GCX9WtVPz3VlPSO3g49HJQp1ndVR5XOjjGvEpz2dY6Q40J2ZNJ"
    "JuH/p3hG3eYqZequlg8kAdHe6CnmPprj8c9dz1PMe/SJ++TCZfe/6CZlemk8FXacauWYb6"
    "DBvi3fJfIy4PUyTPPUmTWVdSZa+ru+F5085yuQ0L+gubZH6yIFF/OeJnRu/IgKJ9ZqdaIK"
    "bxNGQ6znafWSkwTCZKBRYoFciA2xEkNVi4XAuPtn3LvHrrqocbfN0gcsSVMMJxJxAW1yZb"
    "XP3oFdmEisVTs9NfMw5p+96yj++vc7xmZFTqe8buxcsjeciVqY8UIRUvV5NfLmTJT6bBa1"
    "iaKTSEyYTQIOoLC/dR5ltmbHHRilRhEuHeOOzeYHhVYIJveU2q8LIqanUXXYwKd3ti4TPH"
    "ghTE2rcRIrd70RpalvJUSfuiO3eqtuJlwjX9erx0uyJQPXjTtBUmy1kEkx8J1TQ0VZvgqt"
    "WJ6u5ZPP9psJtluE732+Zhr+kEQy8dCWwJxF6yXsj72gMuK7rAMoDiD0KW13hozdJlgL1F"
    "KqfMYOWzc32msSgCdxIWdSm8p+f0noYYkQA33eoUpWqhC66GqFmRwydy+OpWbi8lh8+vzO"
    "DwenAfiDcNqASsIjXyP9u0LZK5TpnMJfJe2v02CcdF+gvWXseFyNE4qRNDZBO0LZvALQzI"
    "sYMFFQPTzWD7woT5rGBuozddcbC6os3faPEqrzlGl9zUNbDYAfJNdwARKdYCBjVQbSF8ts"
    "AbC0KgkgX2zn3oW74lrPIniN4bzTJ4ecwsIjCHSE5WX/2yA3U9xIqaFWNkAuxcYNt+p8+8"
    "MAcE7Qvsr9z0R5ZioQLn/vhmlDanj21NaXMb2Tonf2UGX1OOxICgBes8S+OSfp1lgx0oXK"
    "PJ+NYfHufAxbsrFIwN8gZArSAPOv3xePI4HlAfRDDHHFPllJL0AFXcZQvaczwd9++nXybU"
    "mYGVjbUyyLXBqD+8kyf30rjnlkOVjQ3EczwaTmfMDUJfeuYGuZFG/b9LzLOhKzv6jEGfPH"
    "bE/CEqBVLXYUNcHuRxS6RBj7kxNU03lJRXLkoWY/6S0tVmo39Xl5U+A9qbyeOnkQTuH6TB"
    "cDr09rzAusFu0kv7cNkHqT+Kv2mGY6qwsDMkTia8ISnekJJekJPZa89QyLvpdrtc5tolMi"
    "2bbMsQl2BygriFRts2MZv5rEryOk57GlaL17psLtwLsrjW4dSjMEwijkGRjyPcWqIjVPu4"
    "ztk9EzHh0UYpObfPKFGpDbRhUQk1+zDVfQ/5I/2XoW70l4VwXtdldG1F3JbkK4Dx42iULx"
    "9LpY42L+mlfKJD3sp+F4J2MqbyyESQNuMjErDyIrVZKVYlON3TidqEUu1xFP7KSgunCK28"
    "A1EVkYTDfO3HmFEEeHRAwYBNBJ4MGyAMFK+EomUA2tXNBO4yAVBD5L7NOigRwYoGTZhwQz"
    "QHgjC/9VhNz+HmHUE/CCW77RidXN57LdhH3xAoGo+dNEDjjD0TmrYPnSB4gK50Vj2osNWF"
    "QymML8L40nY1PI/xJXaa5N7ComQtzMyo3E3tQgb/LLhv+SRiw4pvWAydEvmOCToBLRfakk"
    "7pOK3IJGqOFTZl/y/X0Y5D2r5zoPrs+ghsJV8v0S7ywt6wwpmvUar2vVe11El15aWVsS0U"
    "Yx6lah/U1W9hIhGxZvGLWUULIRsmEZgedowGxtYj3aJB5uCFwZvXKxpeV6IBVx0IX0DKrO"
    "scS3P0BK6zQ26evbPusJOnz1IZNGDZcEP9J77r5SfwT9+M+09a2M1eQTAcTMFU+t9HaTyQ"
    "umDhrDeEcLuCmN2l84C18QKtpIuntqdkO3hYLydRTE604qpvmxKZQtziaEW1bZFc0Xj9Wt"
    "F1WVM4lqvMngkhKtEyoUDLBPtfctHebCGSFmS3Rveo7/JYMb5LN2J8l7BhsH3Zhq+Fyj5E"
    "iFoHck11H4iAZzhl2lbFSIX5tcnHg2qYprEgz+YrpRmh5jG601lV3jdaphb5TyIER4TgiP"
    "wnwfWj8p+Ejb/6/dNNlXdrbxdCNkkocsuEC+UsLpTQUqwA25ZlScWhTb63R+TtuWVqqkgm"
    "mrKZWrSkY2K/aHqVAlPtnjhvZaW54vYL75AvLrTYczjjMGDvGLCczcYwqeEfKG6yU495vz"
    "amYSzBAq4IQ9gFKm/qCHN6OB05F9extgk8kGy7E561c3rWrGAN5rVe7ilaZ7q8/pjHiUVG"
    "pZou2T1hJmi3wpjHTFBCrTlaoWkceytWGNnBUQzTMInA9LCWGJzNVWiJbcvS78b0mfDiOq"
    "wqnlpJvFRUU/XDM8fWfYYwKo+Gr2fK8EsyIncgnSteAdsAG4PCuEX2CiDbAgQ4DdFxiv7t"
    "LVGVaT4nLXKggRVUdHvFi5c7bjLRYaJZsnrro+AeptMeMC1rjmdEQJtJDz3a/de2oTnH9/"
    "1bqQc2Xo2S80enFY2raW1QTS3xHo6pFwHXG96+bKDrqw950KXD0nVSdjOKL/mpZqH00YCg"
    "fRjXktxmEbFFtYtlEYZp2gdzLcYV8ihovii6XKSkQJTodGrhd1eXEtoCbeWpyMr1x4tVm2"
    "vVssLhRFFAZM5CtagShO0DvPr8V6bbJFFOb7UUEIheSxFraxW9liCm8HAWfWb8f4iqtvj/"
    "hKboX7jY6H8NWQw22YSKxQv8zAhRT5K2b6upRfBjWzS1tpRy+SSpRbx6c8ICk24etwWIo6"
    "rQKpObwCEX/G48vwuXh4lSiY0010ZKnwhVx0YvUF4qSHdMXrRXRkYIn1zkMXDbmdEzp2xP"
    "sxCtyL1t8ObFGouzhlVFjCURIvH2iCwgEd6z592iaEucOJ3IXDjcFSfALAl04eiJRytXDH"
    "PDEM4bO5FYXkcE2LONn2OnKRA0PiRTtAfsxFkqV5KDQEHKnYJwKVDVGYgz1CC2kb3rcIJx"
    "gnvdrIAc5I5CeSPqJxiCDeHj0jDXAGngzYy8U0+msgYO2U664AZZqmFq3ie4JupGF2zh4i"
    "1YQN3ATzRq3jZovSpFZX2Vk7E69TyCH3/vPYYOCDe3EIH45wzuCXOlTIBPmL7RQT4zaSTd"
    "PvTvCPu8JT7HN8PpYPJAy1K5y3yOpbv+cNRzF/oc/yJ96tHVHn9tzhP6IxrJnDIUiCwJsr"
    "Z3hQsZxelE4FUetIU6m45+e9VZKlUUU2RDFCKv4rAO63hq52m016aBm1d9DS2qJkX+MzWW"
    "p2x46m2GouHr0Pl0DMs2zN1PLI3WIo9yP4OlaayBBWmbWh2wXAJa5NYg4+kXcGP6/dt7ZZ"
    "JTP7eeR3B1jKWXFPHkCMXizIoFY0EBuckf30L5tBY/5QlD1ZssjdYVqa4q2MBIJWpTQaAT"
    "hHVBntgsLhxxG9k6R9OaEf2Vj3RA0IJFnSXUS7/OIvJ8Ih4ykOlHk/GtPzweJBkDm1s7Ng"
    "Pr9pSNPTXURANaFYvb2VO0AO4TxLVvnIWOrFUp80GcVsTBNTmUZAlttRyfo5SCy03mMrXF"
    "l2JyhFDwuMk8XpIfCs2NiXjVIdOPxhjZyWTrS85DYkYTmXlnC9g54mSisvllh+CddEm312"
    "VBLYwFywbvKUTU3UGPhW/BPdJj4VfHuSxs8zosQkvqiEg7VvHoyCiylpUO5hycpwyza5oZ"
    "+zxxdnvEUpxfeQrYxgMlD3vCfllBk9ai8nxPigVo9kEPvKFvWxdQ/8RbsFGQaXWBZQBsMI"
    "8VMOG3G9OgmXTQAorr2Er6wKqeXHi/zn+KdYX3S3i/2un9optTGfvLnkwEYgmt5oIEwqpt"
    "A0z8KHay7ilEZNthPRF5QVBH6ok5U4WaBm5eRTG0qHI0lRGqd72qd51a0wjSotcchcm90c"
    "3SlXQ6JHelYDq/BhgNQEFfe2XBenNsmZ7jTgh09ALJFaRD8AA1xIL7lK2yA2+IoACor+bd"
    "wrHe8ioI1/OQIyoLn7fu6nl1pZgH/2MuD/7HDA/+x7cH1CfbeOZVC8hoH+0TtFCBqt4lBF"
    "83iAiPJST8KGX7PBcXItOnulgTEtOZTiOEnwfkT+6B5N/LPpPIKLLutPznkoHht3TRdQFb"
    "pDQzldKTs0OxwR8GwhY7Rrwk3B0woQZpd7EngGyaw8puWpbDek2l5cvW9xhR9b5ZFjzKVH"
    "mlWKsix1CEqHVH/3/6QSSCfQqcRLE8v1Kdqy0RzHUR/L2sSBhhNK7GaCyyd0X2bgMscg3N"
    "3g06F3NUoHBX43QVKNJCOVf/XcOxF8YrMI0tWBomS6T1J+m53XPB3Lm60n4AhNZGmMWu+J"
    "d0slEBV7OxiO5CqFVqWIMYaA6/RW/Nj8vu4huassNeO0WTybMdm7xh8diH31htfYcBSWan"
    "p83vQps6pTYVYU9+eONk4tTg1dt3V3RByWtP1UKp60KkrHzZMMHWlbRCHK7Ptac+YfDLBm"
    "KNsqcYdzv30vhmOL4lZ4dLP8dTaTzrsfNhjgf98UAajaSbHlDpT6XNCub4RurT+l1kn4if"
    "UHksGtUX6VJsG643vLDa9AbMIRJR6DiRZaErZA/il2HNMMRFqNpX+r56U5yPWAkdPkIpLD"
    "VNPkxEI4kTtmLEdqkYyoBMvEpNfpWE0TP97Wqv0TNkdihm+0wSCmWWI+4x+04xZMMkAtPD"
    "ZuXAhHakXVl6IUfVvT/ZhWGc17ocXlyHQ2hjRskjAb6JztZShJMbY5PM+FNnEf71CVN+5H"
    "43y5xvhUYWKM4ZgucbC9AlQ00jwDCZlX27QuoKuJm84M0S6TY0rbeADAIrYwveILbIbDIc"
    "aOiJTMWJtq3tKVwDvu/UCr8qIlfxnLb5NcL0LV3SkDWVdzDohpICcZI0BveS0rZKT7mZPH"
    "4aSeD+QRoMp0OvVXEgobKb9NK+Qe6D1B8legyuNwqmzXI4dsL0BtExsma0iabPa02baLI5"
    "yVvFVlc+ilHWZDaLTtDW1jI6yZjgysU2jcZwK29M4w+ocktSZAEfJy2H++XsQBWivvbisM"
    "t4lnzaE/qVPDmjqF9pOCZKP3UkefS08cutNJ31PGmlGZ4j97vI5HHQfFFS0tsPs4UzzQk5"
    "pClI3xXlz5fJ48Po7z0iSzqmviPc6Q/px/1cTeEN/YJFTD5RqtPZJv6r0ZJo6LjdUCNnad"
    "92iPyUzu2Vny1ZZI1LP0sPZE3TZgZkhd9/6U+lqRckZc3x5+ED3Y6WyGzKbuQGcqWH7KRL"
    "qUnKowTVyzmXa5FImevN20iKexqS1MKn1GSfkoM9K9GCmk0K5sByiStx1rY6B0khCu0LRw"
    "rO1Dn2RLVpeQmM/QsXq20Ij2n6Im+vx9SV0krlf0UoBdebwnXOUZYonin85DWrTiL5SiRf"
    "nd95ezD5SnjHW+0d31k2XN9B8ltV992Ku8cjA7qZ/nE2VF6Hxh50kN9DExkaUoGFlY21Mm"
    "wLGEvAimpA0wJvXJd1F5CHEXHdRJD8zQrrrqCi26u3LG9thVKK9lY+u6jx0SzP93mLeuVQ"
    "+S5YrX5RdKdYMEFAUTKGoKFbfF1BBORne1toXsvsnqIZoQP0sa0JHTChSqOlyui5MdL2VV"
    "W7UD03zbqR0BrOI3wx1YIjc/kqR7qoRaX2/FUFvCplP4GFYQNGCoj8wtL9ydvMfFZEKMI2"
    "macLtnDhjVnQ2mdPiD6AvfZEFlK0NcLcUgJ1PENIW82StijLikpcYRpRT+2g0AXXCirUGC"
    "EgaJuf6PpjHnDJqIwytQl4N4plbclRXbguYIKwfTmU76/zdKIgo9KDEK4TfShMQy8dn+bT"
    "njA0JIhtLxAY0r+5G4577rE1x49T6aEHgnnOHgaCLLmUfzRCd8JA2Iv3kTLHvfxChBuulT"
    "RVCEnQiUoSCWiJ7vQvIlEW2bjDNCfcSB5ng7r04trrSAgnv1CDM5pObpD8DHfHtp28H36F"
    "uwtcAmlun2hUvoIdRZdFf85smKirhS63ChD6HJqqjStKJWsJa4rpxgUeuaYG3mQzP8awjY"
    "iF/K5HwtVOP3XiTTwSpXZ1jYrqUG4rCHR0K2GvpURbV1G05Ud5nMINRtqIU6KQQHmo4tUL"
    "2gLXkW6XPdYZycB3Ct7NDPpvzoClgZu+fXFG64xQJfbL5Jj/KfQ7TboCiUoXgdPzPS0Nkz"
    "GDaANMRAmS2zthVnl3mbvHu2evTMN5WvmXo0nX3Ogocl1OQP5XpnOtD02k0mck3GvenW6W"
    "g03ZjznkYUtng/BfNct/lWqUSzcfpdvjarQendDHUlkrwLCBYFMEYW94C9F9f3WVx5p/dZ"
    "Vuzqf34pVHsA0x5zTLqjoSkJw+bOg84VmVBQidNVLkr/8HQyk3pg=="
)
