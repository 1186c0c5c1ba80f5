"""The Shopify sandbox's subset SDL and every document the connector sends, held to Shopify's real schema.

* Subset: every type, field, argument, enum value, union member, interface and input field written in
  ``channels/shopify/sandbox/schema.graphql`` exists in the real Admin schema with the same type (name,
  list-ness and nullability, compared as printed type references). Input objects and arguments may leave
  out only what the real schema makes optional, so a document valid in the subset is valid in Shopify.
* Documents: every query and mutation the connector can send (``shopify.queries.all_documents``, bulk query
  included) validates against the real schema and uses nothing deprecated there.

* Generated part: ``schema_wide.graphql`` is exactly what scripts/shopify_schema_subset.py makes of the
  vendor schema, and it holds every live field of the core types the script's rules admit.

Without the specs checkout (``$ORDERSYNC_SPECS`` or ``../shared/specs``) the tests skip with the reason;
under CI=true they fail.
"""

from __future__ import annotations

import pytest
from conftest import REPO_ROOT, SHARED_SPECS, require_or_skip
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
    TypeInfo,
    TypeInfoVisitor,
    Visitor,
    build_schema,
    parse,
    validate,
    visit,
)

from ordersync.channels.shopify import queries
from ordersync.channels.shopify.sandbox.schema import load_schema

REAL_SDL = SHARED_SPECS / "shopify" / "graphql-admin" / "admin_schema.graphql"


@pytest.fixture(scope="module")
def real() -> GraphQLSchema:
    require_or_skip(
        REAL_SDL.is_file(),
        f"Shopify's schema is not checked out at {REAL_SDL} (set ORDERSYNC_SPECS to the specs directory)",
    )
    # assume_valid: graphql-core 3.3 flags two deprecation mismatches inside Shopify's own schema (interface
    # fields vs. implementations) that 3.2 accepted; they concern no type we use.
    return build_schema(REAL_SDL.read_text(encoding="utf-8"), assume_valid=True)


@pytest.fixture(scope="module")
def subset() -> GraphQLSchema:
    return load_schema()


def _own_types(schema: GraphQLSchema) -> dict:
    return {n: t for n, t in schema.type_map.items() if not n.startswith("__")}


def _args_problems(where: str, ours: dict, theirs: dict) -> list[str]:
    problems = []
    for name, arg in ours.items():
        if name not in theirs:
            problems.append(f"{where}: argument {name} does not exist in Shopify")
        elif str(arg.type) != str(theirs[name].type):
            problems.append(f"{where}({name}): {arg.type} here, {theirs[name].type} in Shopify")
    for name, arg in theirs.items():
        if name not in ours and isinstance(arg.type, GraphQLNonNull) and arg.default_value is None:
            problems.append(f"{where}: required argument {name} missing")
    return problems


def test_the_subset_agrees_with_shopifys_schema(real: GraphQLSchema, subset: GraphQLSchema) -> None:
    problems: list[str] = []
    assert subset.query_type.name == real.query_type.name
    assert subset.mutation_type.name == real.mutation_type.name
    for name, ours in _own_types(subset).items():
        theirs = real.type_map.get(name)
        if theirs is None or type(theirs) is not type(ours):
            problems.append(f"{name}: {type(ours).__name__} here, {type(theirs).__name__} in Shopify")
            continue
        if isinstance(ours, GraphQLScalarType):
            continue
        if isinstance(ours, GraphQLEnumType):
            problems += [f"{name}.{v}: no such enum value" for v in ours.values if v not in theirs.values]
        elif isinstance(ours, GraphQLUnionType):
            problems += [
                f"{name}: member {t.name} unknown" for t in ours.types if t.name not in {m.name for m in theirs.types}
            ]
        elif isinstance(ours, GraphQLInputObjectType):
            for fname, field in ours.fields.items():
                if fname not in theirs.fields:
                    problems.append(f"{name}.{fname}: no such input field")
                elif str(field.type) != str(theirs.fields[fname].type):
                    problems.append(f"{name}.{fname}: {field.type} here, {theirs.fields[fname].type} in Shopify")
            problems += [
                f"{name}.{f}: required input field missing"
                for f, field in theirs.fields.items()
                if f not in ours.fields and isinstance(field.type, GraphQLNonNull) and field.default_value is None
            ]
        else:
            assert isinstance(ours, GraphQLObjectType | GraphQLInterfaceType)
            known = {i.name for i in theirs.interfaces}
            problems += [f"{name}: implements {i.name} not in Shopify" for i in ours.interfaces if i.name not in known]
            for fname, field in ours.fields.items():
                if fname not in theirs.fields:
                    problems.append(f"{name}.{fname}: no such field")
                    continue
                other = theirs.fields[fname]
                if str(field.type) != str(other.type):
                    problems.append(f"{name}.{fname}: {field.type} here, {other.type} in Shopify")
                problems += _args_problems(f"{name}.{fname}", field.args, other.args)
    assert not problems, "\n".join(problems)


def test_every_document_validates_against_the_real_schema(real: GraphQLSchema) -> None:
    documents = queries.all_documents()
    assert len(documents) >= 15
    for name, text in documents.items():
        errors = validate(real, parse(text))
        assert not errors, f"{name}: {[e.message for e in errors]}"


def test_every_document_validates_against_the_subset(subset: GraphQLSchema) -> None:
    for name, text in queries.all_documents().items():
        errors = validate(subset, parse(text))
        assert not errors, f"{name}: {[e.message for e in errors]}"


def _deprecated_uses(schema: GraphQLSchema, text: str) -> list[str]:
    found: list[str] = []
    info = TypeInfo(schema)

    class Deprecations(Visitor):
        def enter_field(self, node, *_):
            field = info.get_field_def()
            if field is not None and field.deprecation_reason:
                found.append(f"field {info.get_parent_type()}.{node.name.value}")

        def enter_argument(self, node, *_):
            arg = info.get_argument()
            if arg is not None and arg.deprecation_reason:
                found.append(f"argument {node.name.value}")

        def enter_enum_value(self, node, *_):
            enum = info.get_input_type()
            enum = enum.of_type if isinstance(enum, GraphQLNonNull) else enum
            if isinstance(enum, GraphQLEnumType):
                value = enum.values.get(node.value)
                if value is not None and value.deprecation_reason:
                    found.append(f"enum value {node.value}")

    visit(parse(text), TypeInfoVisitor(info, Deprecations()))
    return found


def test_no_document_uses_anything_deprecated(real: GraphQLSchema) -> None:
    used = {name: _deprecated_uses(real, text) for name, text in queries.all_documents().items()}
    assert not {k: v for k, v in used.items() if v}


def test_the_subset_declares_nothing_deprecated_in_shopify(real: GraphQLSchema, subset: GraphQLSchema) -> None:
    deprecated = []
    for name, ours in _own_types(subset).items():
        theirs = real.type_map.get(name)
        if isinstance(ours, GraphQLObjectType) and isinstance(theirs, GraphQLObjectType):
            deprecated += [f"{name}.{f}" for f in ours.fields if theirs.fields[f].deprecation_reason]
        if isinstance(ours, GraphQLEnumType) and isinstance(theirs, GraphQLEnumType):
            deprecated += [f"{name}.{v}" for v in ours.values if theirs.values[v].deprecation_reason]
    assert not deprecated


def _generator():
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "shopify_schema_subset", REPO_ROOT / "scripts" / "shopify_schema_subset.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_generated_subset_is_what_the_script_makes_of_shopifys_schema(real: GraphQLSchema) -> None:
    from ordersync.channels.shopify.sandbox.schema import SDL, WIDE_SDL

    generator = _generator()
    expected = generator.render(real, build_schema(SDL.read_text(encoding="utf-8")))
    assert WIDE_SDL.read_text(encoding="utf-8") == expected, (
        "schema_wide.graphql is stale: run `python scripts/shopify_schema_subset.py` and commit the result"
    )


def test_the_core_types_carry_most_of_shopifys_live_fields(real: GraphQLSchema, subset: GraphQLSchema) -> None:
    """The widening reaches what tap-shopify and co. ask for: the named fields, and most fields overall."""
    for name in _generator().CORE:
        live = {f for f, d in real.type_map[name].fields.items() if not d.deprecation_reason}
        ours = set(subset.type_map[name].fields)
        assert len(ours & live) >= 0.7 * len(live), f"{name}: {sorted(live - ours)}"
    address = subset.type_map["MailingAddress"].fields
    assert {"id", "name", "country", "latitude", "longitude", "formatted", "countryCodeV2"} <= set(address)


def test_the_etl_client_queries_of_the_sandbox_tests_are_valid_in_shopify(real: GraphQLSchema) -> None:
    """The tap-like queries the wide-schema tests run are queries Shopify itself accepts."""
    from tests.channels.shopify import tap_queries

    for name in (
        "ORDERS_BULK",
        "PRODUCTS",
        "LOCATION",
        "VARIANTS",
        "INVENTORY_ITEMS",
        "CUSTOMERS",
        "LOCATIONS",
        "LOOKUPS",
    ):
        errors = validate(real, parse(getattr(tap_queries, name)))
        assert not errors, f"{name}: {[e.message for e in errors]}"
        assert not _deprecated_uses(real, getattr(tap_queries, name)), name
