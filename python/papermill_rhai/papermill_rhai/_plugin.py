"""The translator, and the entry point that registers it.

Import order matters: papermill imports this module while it is itself being imported (it
loads `papermill.engine` entry points at the end of `papermill.engines`), and a user may
import this package before papermill. So `CloudbookEngine` is defined before anything from
papermill is imported (papermill looks it up while this module may be half-initialized), and
only `papermill.translators` (which imports nothing of papermill's engine machinery) is
imported at module level.
"""

import math
import re


class CloudbookEngine:
    """papermill's default nbclient engine under the name `cloudbook` (the entry point)."""

    @classmethod
    def execute_notebook(cls, *args, **kwargs):
        from papermill.engines import NBClientEngine

        return NBClientEngine.execute_notebook(*args, **kwargs)


from papermill.translators import Translator, papermill_translators  # noqa: E402

I64_MIN, I64_MAX = -(2**63), 2**63 - 1


def rhai_string(s):
    """A double-quoted Rhai string literal for any text (same escapes as `cloudbook run -p`)."""
    out = ['"']
    for c in s:
        if c == '"':
            out.append('\\"')
        elif c == "\\":
            out.append("\\\\")
        elif c == "\n":
            out.append("\\n")
        elif c == "\r":
            out.append("\\r")
        elif c == "\t":
            out.append("\\t")
        elif ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0:
            out.append("\\u%04x" % ord(c))
        else:
            out.append(c)
    out.append('"')
    return "".join(out)


class RhaiTranslator(Translator):
    """Python values as Rhai literals; parameters as `let` statements."""

    @classmethod
    def translate_str(cls, val):
        return rhai_string(val)

    @classmethod
    def translate_escaped_str(cls, str_val):
        return rhai_string(str(str_val))

    @classmethod
    def translate_none(cls, val):
        return "()"

    @classmethod
    def translate_bool(cls, val):
        return "true" if val else "false"

    @classmethod
    def translate_int(cls, val):
        if not I64_MIN <= val <= I64_MAX:
            raise ValueError(f"{val} does not fit Rhai's 64-bit integers")
        return str(val)

    @classmethod
    def translate_float(cls, val):
        if math.isnan(val) or math.isinf(val):
            raise ValueError(f"Rhai has no literal for {val}")
        s = repr(val)
        mantissa, e, exponent = s.partition("e")
        if "." not in mantissa:
            mantissa += ".0"
        return mantissa + (f"e{int(exponent)}" if e else "")

    @classmethod
    def translate_dict(cls, val):
        items = ", ".join(f"{rhai_string(str(k))}: {cls.translate(v)}" for k, v in val.items())
        return f"#{{{items}}}"

    @classmethod
    def translate_list(cls, val):
        return "[" + ", ".join(cls.translate(v) for v in val) + "]"

    @classmethod
    def comment(cls, cmt_str):
        return f"// {cmt_str}".strip()

    @classmethod
    def assign(cls, name, str_val):
        return f"let {name} = {str_val};"

    # `let name = value; // help`, one per line (what `papermill --help-notebook` lists).
    PARAMETER_PATTERN = re.compile(r"^\s*(?:let|const)\s+(?P<name>[A-Za-z_]\w*)\s*=\s*(?P<value>.*?)\s*;?\s*(?://\s*(?P<help>.*))?$")

    @staticmethod
    def _type_of(value):
        if value in ("true", "false"):
            return "bool"
        if re.fullmatch(r"-?\d+", value):
            return "i64"
        if re.fullmatch(r"-?\d+\.\d+(e-?\d+)?", value):
            return "f64"
        if value.startswith('"'):
            return "string"
        if value.startswith("["):
            return "array"
        if value.startswith("#{"):
            return "map"
        return "None"

    @classmethod
    def inspect(cls, parameters_cell):
        from papermill.models import Parameter

        params = []
        for line in parameters_cell.source.splitlines():
            m = cls.PARAMETER_PATTERN.match(line)
            if m:
                value = m["value"]
                params.append(Parameter(name=m["name"], inferred_type_name=cls._type_of(value), default=value, help=(m["help"] or "").strip()))
        return params


papermill_translators.register("rhai", RhaiTranslator)
papermill_translators.register("cloudbook", RhaiTranslator)
