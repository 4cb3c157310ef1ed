"""Companies: everyone reads; admins write. `{ref}` is an id, a name, an alias or $TOKEN."""

from __future__ import annotations

from aiohttp import web

from web.config import WebConfig
from web.routes.common import body, json_response, page, params, principal, service
from web.schema import Param, RouteSpec, array, integer, listing, obj, page_params, string

PRIORITY = {"type": "string", "enum": ["HIGH", "MEDIUM", "LOW"]}
STATUS = {"type": "string", "enum": ["active", "inactive"]}
NAMES = array(string(1, 128), 50)  # core.services.companies.MAX_LIST
FIELDS = {
    "name": string(1, 128),
    "tokens": array(
        {
            **string(1, 16, pattern=r"^\$?[A-Za-z0-9]{1,15}$"),
            "description": "a token symbol: 1-15 letters or digits, optionally after $",
        },
        50,
    ),
    "aliases": NAMES,
    "priority": PRIORITY,
    "domains": NAMES,
    "handles": NAMES,
    "exclusions": NAMES,
}
COMPANY = obj(
    {"id": integer(), **FIELDS, "status": STATUS, "created_at": {"type": ["string", "null"]}},
    ("id", "name"),
    extra=True,
)
IMPORT_MAX = 50_000  # companies per import request
IMPORT_MAX_BYTES = 32 * 1024 * 1024
REF = Param("ref", string(1, 128), "path", True, "id, name, alias or $TOKEN")


async def list_companies(request: web.Request) -> web.Response:
    svc = service(request, "companies")
    p = params(request)
    items = await svc.list(
        p.get("search"), limit=1000, include_inactive=principal(request).is_admin
    )
    chunk, cursor = page(request, items, key=lambda c: c.name.lower())
    return json_response({"items": [svc.to_json(c) for c in chunk], "next_cursor": cursor})


async def create_company(request: web.Request) -> web.Response:
    svc = service(request, "companies")
    data = dict(body(request))
    company = await svc.create(data.pop("name"), **data)
    return json_response(svc.to_json(company), status=201)


async def import_companies(request: web.Request) -> web.Response:
    svc = service(request, "companies")
    result = await svc.import_rows(body(request)["companies"])
    return json_response(result)


async def get_company(request: web.Request) -> web.Response:
    svc = service(request, "companies")
    return json_response(svc.to_json(await svc.get(params(request)["ref"])))


async def update_company(request: web.Request) -> web.Response:
    svc = service(request, "companies")
    company = await svc.update(params(request)["ref"], **body(request))
    return json_response(svc.to_json(company))


async def add_official(request: web.Request) -> web.Response:
    svc = service(request, "companies")
    company, _, _ = await svc.edit_official(params(request)["ref"], "add", body(request)["value"])
    return json_response(svc.to_json(company), status=201)


async def remove_official(request: web.Request) -> web.Response:
    svc = service(request, "companies")
    p = params(request)
    company, _, _ = await svc.edit_official(p["ref"], "remove", p["value"])
    return json_response(svc.to_json(company))


async def delete_company(request: web.Request) -> web.Response:
    await service(request, "companies").delete(params(request)["ref"])
    return web.Response(status=204)


def routes(config: WebConfig) -> list[RouteSpec]:
    return [
        RouteSpec(
            "GET",
            "/companies",
            list_companies,
            "List companies (search by name, alias or token)",
            "companies",
            params=(
                Param("search", string(1, 128), description="name/alias/token substring"),
                *page_params(config.max_page, "cursor-name"),
            ),
            response=listing(COMPANY, config.max_page),
        ),
        RouteSpec(
            "POST",
            "/companies",
            create_company,
            "Add a company to watch (admin)",
            "companies",
            auth="admin",
            body=obj(FIELDS, ("name",)),
            response=COMPANY,
            status=201,
            errors=(403, 409, 422),
        ),
        RouteSpec(
            "POST",
            "/companies/import",
            import_companies,
            "Add or update many companies at once: one bulk insert, one engine rebuild (admin)",
            "companies",
            auth="admin",
            body=obj({"companies": array(obj(FIELDS, ("name",)), IMPORT_MAX)}, ("companies",)),
            response=obj(
                {"created": integer(), "updated": integer(), "unchanged": integer()},
                ("created", "updated", "unchanged"),
            ),
            errors=(403, 413, 422),
            max_body=IMPORT_MAX_BYTES,
        ),
        RouteSpec(
            "GET",
            "/companies/{ref}",
            get_company,
            "One company",
            "companies",
            params=(REF,),
            response=COMPANY,
            errors=(404,),
        ),
        RouteSpec(
            "PATCH",
            "/companies/{ref}",
            update_company,
            "Change a company (admin)",
            "companies",
            auth="admin",
            params=(REF,),
            body={**obj({**FIELDS, "status": STATUS}), "minProperties": 1},
            response=COMPANY,
            errors=(403, 404, 409, 422),
        ),
        RouteSpec(
            "POST",
            "/companies/{ref}/official",
            add_official,
            "Add an official domain (layerzero.network) or X handle (@LayerZero_Labs) (admin); "
            "the phishing guard compares every alert's links with them",
            "companies",
            auth="admin",
            params=(REF,),
            body=obj({"value": string(1, 300)}, ("value",)),
            response=COMPANY,
            status=201,
            errors=(403, 404, 409, 422),
        ),
        RouteSpec(
            "DELETE",
            "/companies/{ref}/official/{value}",
            remove_official,
            "Remove an official domain or @handle (admin)",
            "companies",
            auth="admin",
            params=(REF, Param("value", string(1, 300), "path", True, "domain or @handle")),
            response=COMPANY,
            errors=(403, 404, 422),
        ),
        RouteSpec(
            "DELETE",
            "/companies/{ref}",
            delete_company,
            "Delete a company (admin)",
            "companies",
            auth="admin",
            params=(REF,),
            status=204,
            errors=(403, 404),
        ),
    ]
