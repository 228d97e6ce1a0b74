"""Writes python/amperity/_async_resources.py: the typed async resource groups of
``AsyncClient``, derived from the blocking ``Client`` of the installed package.

Every resource group of ``Client`` (``client.segments``, ``client.workflow_runs``, ...) becomes an
``Async<Group>`` class with the same methods and signatures: a method returning a ``Paginator``
becomes one returning an ``AsyncPaginator``, any other becomes a coroutine; the client's own
request methods (``raw``, ``raw_pages``) likewise. Each generated method is one line handing the
blocking method to the generic machinery of ``_async.py``, so adding an operation to the blocking
client adds its async form by running this script (bindings/generate.sh does, and
tests/python.sh fails when the committed file differs from a fresh generation).

Usage: python generate_async.py [--check]   (with the amperity package importable)
"""

from __future__ import annotations

import inspect
import re
import sys
import types
import typing
from pathlib import Path
from typing import Any, Callable, Dict, List, Tuple



def _bootstrap() -> None:
    """Lets the package import without the file this script writes (a stale one may not)."""
    stub = types.ModuleType("amperity._async_resources")

    class _AsyncClientBase:
        __slots__ = ("_runner",)

    stub._AsyncClientBase = _AsyncClientBase  # type: ignore[attr-defined]
    sys.modules[stub.__name__] = stub


_bootstrap()

import amperity  # noqa: E402 - after the bootstrap
from amperity import _calls, _types  # noqa: E402
from amperity._calls import _Resource  # noqa: E402

OUT = Path(__file__).parent / "python" / "amperity" / "_async_resources.py"

#: Client methods that send nothing (or manage the client): written by hand in AsyncClient.
LOCAL_CLIENT_METHODS = {"cancel", "close", "deprecation_notices"}

_IDENT = re.compile(r"(?<![\w.])([A-Za-z_]\w*)")
_BUILTINS = {"str", "int", "float", "bool", "bytes", "object", "None", "list", "dict", "tuple"}


class Imports:
    """The names the generated annotations use, each imported once."""

    def __init__(self) -> None:
        self.modules: Dict[str, str] = {}  # alias -> module
        self.names: Dict[str, str] = {}  # name -> module

    def module_alias(self, module: types.ModuleType) -> str:
        alias = "_" + module.__name__.rsplit(".", 1)[-1].lstrip("_")
        known = self.modules.setdefault(alias, module.__name__)
        assert known == module.__name__, (alias, known, module.__name__)
        return alias

    def name(self, name: str, module: str) -> None:
        known = self.names.setdefault(name, module)
        assert known == module, (name, known, module)

    def lines(self) -> List[str]:
        out = []
        for alias, module in sorted(self.modules.items()):
            if module.startswith("amperity."):
                out.append(f"from . import {module.split('.', 1)[1]} as {alias}")
            else:
                out.append(f"import {module} as {alias}")
        by_module: Dict[str, List[str]] = {}
        for name, module in self.names.items():
            by_module.setdefault(module, []).append(name)
        for module in sorted(by_module):
            names = ", ".join(sorted(by_module[module]))
            source = "." + module.split(".", 1)[1] if module.startswith("amperity.") else module
            out.append(f"from {source} import {names}")
        return out


def rewrite(annotation: str, namespace: Dict[str, Any], imports: Imports) -> str:
    """An annotation string of the blocking code, with every name it uses imported here."""

    def one(match: "re.Match[str]") -> str:
        name = match.group(1)
        if name in _BUILTINS:
            return name
        obj = namespace[name]
        if isinstance(obj, types.ModuleType):
            return imports.module_alias(obj)
        if getattr(typing, name, None) is obj:
            imports.name(name, "typing")
        elif inspect.isclass(obj) and obj.__module__.startswith("amperity."):
            imports.name(name, obj.__module__)
        elif getattr(_types, name, None) is obj:
            # The Literal types of the closed sets, from where they are defined and exported.
            imports.name(name, "amperity._types")
        else:
            # A module-level alias (QueryParams = Union[...]) of the defining module.
            imports.name(name, namespace["__name__"])
        return name

    return _IDENT.sub(one, annotation)


def sentinel_name(value: Any) -> str:
    """The name in ``amperity._calls`` of a default sentinel (``_DEFAULT_WAIT_TIMEOUT``), or ""."""
    for name, obj in vars(_calls).items():
        if name.startswith("_DEFAULT_") and obj is value:
            return name
    return ""


def default_text(value: Any, imports: "Imports") -> str:
    """The source text of a parameter's default; a sentinel of ``_calls`` by its name, imported."""
    name = sentinel_name(value)
    if name:
        imports.name(name, "amperity._calls")
        return name
    text = repr(value)
    assert "<" not in text, f"cannot write the default {text}"
    return text


def method_source(name: str, fn: Callable[..., Any], imports: Imports) -> List[str]:
    """One async method delegating to the blocking ``fn``."""
    namespace = sys.modules[fn.__module__].__dict__
    signature = inspect.signature(fn)
    params: List[str] = ["self"]
    call_args: List[str] = []
    callbacks: List[str] = []
    star = False
    for param in list(signature.parameters.values())[1:]:
        assert param.kind in (param.POSITIONAL_OR_KEYWORD, param.KEYWORD_ONLY), (name, param)
        if param.kind is param.KEYWORD_ONLY and not star:
            params.append("*")
            star = True
        annotation = rewrite(str(param.annotation), namespace, imports)
        text = f"{param.name}: {annotation}"
        if param.default is not param.empty:
            text += f" = {default_text(param.default, imports)}"
        params.append(text)
        call_args.append(param.name if param.kind is param.POSITIONAL_OR_KEYWORD else f"{param.name}={param.name}")
        if "Callable[" in str(param.annotation):
            callbacks.append(param.name)
    returns = str(signature.return_annotation)
    paginated = returns.startswith("Paginator[")
    if paginated:
        imports.name("AsyncPaginator", "amperity._async")
        returns = "AsyncPaginator[" + returns[len("Paginator[") :]
    returns = rewrite(returns, namespace, imports) if not paginated else (
        "AsyncPaginator[" + rewrite(returns[len("AsyncPaginator[") :], namespace, imports)
    )
    doc = inspect.getdoc(fn) or ""
    head = f"def {name}(" if paginated else f"async def {name}("
    lines = [f"    {head}", *[f"        {p}," for p in params], f"    ) -> {returns}:"]
    if doc:
        doc_lines = doc.splitlines()
        lines.append(f'        """{doc_lines[0]}')
        lines.extend(f"        {line}".rstrip() for line in doc_lines[1:])
        lines.append('        """')
    for callback in callbacks:
        lines.append(f"        {callback} = self._on_loop({callback})")
    call = f"lambda group: group.{name}({', '.join(call_args)})"
    if paginated:
        lines.append(f"        return self._list({call})")
    else:
        lines.append(f"        return await self._call({call})")
    return lines


def public_methods(cls: type) -> List[Tuple[str, Callable[..., Any]]]:
    out = []
    for name in sorted(dir(cls)):
        if name.startswith("_"):
            continue
        attr = inspect.getattr_static(cls, name)
        if isinstance(attr, types.FunctionType):
            out.append((name, attr))
    return out


def generate() -> str:
    imports = Imports()
    client = amperity.Client("acme", token="generator", base_url="http://127.0.0.1:9/api")
    groups: List[Tuple[str, type]] = []
    for name in sorted(dir(client)):
        if not name.startswith("_") and isinstance(getattr(client, name), _Resource):
            groups.append((name, type(getattr(client, name))))
    body: List[str] = []
    for attr, cls in groups:
        imports.name(cls.__name__, cls.__module__)
        first = (inspect.getdoc(cls) or cls.__name__).splitlines()[0].rstrip(".")
        body += [
            "",
            "",
            f"class Async{cls.__name__}(_AsyncResource[Client, {cls.__name__}]):",
            f'    """{first} (async: ``AsyncClient.{attr}``)."""',
            "",
            "    __slots__ = ()",
        ]
        for name, fn in public_methods(cls):
            body.append("")
            body += method_source(name, fn, imports)
    ops = [(n, f) for n, f in public_methods(type(client)) if n not in LOCAL_CLIENT_METHODS]
    body += [
        "",
        "",
        "class _AsyncClientBase(_Owner[Client]):",
        '    """The resource groups and request methods of ``AsyncClient``."""',
        "",
        "    __slots__ = (",
        '        "_runner",',
        '        "_ops",',
        *[f'        "{attr}",' for attr, _ in groups],
        "    )",
        "",
        "    _ops: _AsyncResource[Client, Client]",
    ]
    for attr, cls in groups:
        doc = (inspect.getdoc(cls) or cls.__name__).splitlines()[0]
        body += [f"    {attr}: Async{cls.__name__}", f'    """{doc}"""', ""]
    body += ["    def _init_resources(self) -> None:", "        self._ops = _AsyncResource(self, _same)"]
    for attr, cls in groups:
        body.append(f"        self.{attr} = Async{cls.__name__}(self, {cls.__name__})")
    for name, fn in ops:
        body.append("")
        for line in method_source(name, fn, imports):
            body.append(line.replace("self._call(", "self._ops._call(").replace("self._list(", "self._ops._list(").replace("self._on_loop(", "self._ops._on_loop("))
    source = "\n".join(body)
    header = [
        "# Generated by bindings/python/generate_async.py from the blocking Client of this package.",
        "# Do not edit: tests/python.sh fails when this file differs from a fresh generation.",
        '"""The async resource groups of ``AsyncClient``: the blocking groups\' methods, scheduled on',
        "the client's pool with a cancel token per call (see ``_async.py``).\"\"\"",
        "",
        "from __future__ import annotations",
        "",
    ]
    imports.name("Client", "amperity._client")
    imports.name("_AsyncResource", "amperity._async")
    imports.name("_Owner", "amperity._async")
    tail = [
        "",
        "",
        "def _same(view: Client) -> Client:",
        '    """The client view itself (the group of the client\'s own request methods)."""',
        "    return view",
        "",
    ]
    names = [f"Async{cls.__name__}" for _, cls in groups]
    all_lines = ["", "__all__ = ["] + [f'    "{n}",' for n in sorted(names)] + ["]"]
    return "\n".join(header + imports.lines() + all_lines + body + tail)


def main() -> int:
    text = generate()
    if "--check" in sys.argv[1:]:
        if OUT.read_text() != text:
            import difflib

            sys.stdout.writelines(
                difflib.unified_diff(
                    OUT.read_text().splitlines(True), text.splitlines(True), str(OUT), "fresh"
                )
            )
            print(f"FAILED: {OUT} is stale: run bindings/generate.sh python", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text)
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
