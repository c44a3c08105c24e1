#!/usr/bin/env python3
"""Translate a `lagrange` problem file (see /work/shared/spec/problem-format.md,
shipped in the repository as the project's file contract) into CasADi.

The expression grammar is parsed by a small recursive-descent parser (no
`eval`). Precedence, lowest first:

    constraint := expr '=' expr                      (equation, g = lhs - rhs)
                | expr ('<=' | '>=') expr             (inequality, g = lhs - rhs)
                | lo '<=' expr '<=' hi | hi '>=' expr '>=' lo
                                                      (range, g = expr; ends free of variables)
    expr       := term (('+' | '-') term)*
    term       := unary (('*' | '/' | '@') unary)*
    unary      := '-' unary | power          (so -x^2 is -(x^2))
    power      := postfix ('^' unary)?      (right-associative; 2^-1 allowed)
    postfix    := primary ('[' index ']')*
    primary    := number | name | name '(' args ')' | '(' expr ')'
    index      := int | [int] ':' [int]     (ints may carry a leading '-')

Values carry a shape: () scalar, (n,) vector, (m, n) matrix (row-major, as in
the file). In CasADi a vector is an n x 1 column and a matrix is m x n.
`+ - * / ^` and the unary functions act elementwise, with a scalar broadcast
to any shape; `A @ x` is the matrix-vector or matrix-matrix product.

Usage as a module:

    prob = load_problem("problems/budget.json")   # -> Problem
    nlp = prob.casadi(kind="SX")                  # symbols, f, g, x0 ...

Bounds and inequalities (the contract's new grammar): a variable's `lower` /
`upper` (number, array with null, or expression of parameters; |b| >= 1e20
means none) become IPOPT's lbx / ubx, and each scalar constraint row gets
lbg / ubg: an equation [0, 0], `<=` (-inf, 0], `>=` [0, inf), a range
[lo, hi] on g = e. `casadi()` returns them with the symbols.

Run as a script it prints the translated objective/constraints of a file.
"""

from __future__ import annotations

import json
import math
import os
import re
import sys
from dataclasses import dataclass, field

import numpy as np

try:
    import casadi as ca
except ImportError:  # pragma: no cover - reported at use
    ca = None

# The engine's op table (src/autodiff/ops/elementwise.rs), in its order.
FUNCTIONS_UNARY = (
    "sin", "cos", "tan", "exp", "log", "sqrt", "tanh", "abs",
    "log1p", "expm1", "atan", "sigmoid",
)
FUNCTIONS = FUNCTIONS_UNARY + ("sum", "dot", "norm", "pow")
CONSTANTS = {"pi": math.pi, "e": math.e}
MAX_DEPTH = 1000
IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
TOP_LEVEL_FIELDS = {
    "name", "description", "variables", "parameters", "minimize", "maximize",
    "constraints", "options", "expected",
}


class ProblemError(Exception):
    """An unusable file: message names the file, the field and the column."""


# --------------------------------------------------------------------------
# Lexer
# --------------------------------------------------------------------------

@dataclass
class Token:
    kind: str  # 'num', 'name', 'op', 'end'
    text: str
    col: int  # 1-based column in the expression string


_NUM = re.compile(r"(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_OPS = ("<=", ">=", "<", ">", "+", "-", "*", "/", "^", "@", "(", ")", "[", "]", ":", ",", "=")


def tokenize(src: str, where: str) -> list[Token]:
    toks: list[Token] = []
    i = 0
    n = len(src)
    while i < n:
        c = src[i]
        if c in " \t\r\n":
            i += 1
            continue
        if c.isdigit() or (c == "." and i + 1 < n and src[i + 1].isdigit()):
            m = _NUM.match(src, i)
            end = m.end()
            # a number glued to letters, digits or a dot is a bad literal (1e, 1.2.3, 3x)
            if end < n and (src[end].isalnum() or src[end] in "._"):
                j = end
                while j < n and (src[j].isalnum() or src[j] in "._+-") and not (
                    src[j] in "+-" and src[j - 1] not in "eE"
                ):
                    j += 1
                raise ProblemError(
                    f"{where}, column {i + 1}: bad number literal '{src[i:j]}'"
                )
            toks.append(Token("num", src[i:end], i + 1))
            i = end
            continue
        if c.isalpha() or c == "_":
            j = i + 1
            while j < n and (src[j].isalnum() or src[j] == "_"):
                j += 1
            toks.append(Token("name", src[i:j], i + 1))
            i = j
            continue
        for op in _OPS:
            if src.startswith(op, i):
                toks.append(Token("op", op, i + 1))
                i += len(op)
                break
        else:
            raise ProblemError(f"{where}, column {i + 1}: unexpected character '{c}'")
    toks.append(Token("end", "", n + 1))
    return toks


# --------------------------------------------------------------------------
# AST
# --------------------------------------------------------------------------

@dataclass
class Node:
    op: str  # 'num' 'name' 'neg' '+' '-' '*' '/' '^' '@' 'call' 'index' 'slice'
    col: int
    args: list = field(default_factory=list)
    value: object = None  # number, name, function name, index/slice bounds


class Parser:
    """Recursive descent; nesting is bounded by MAX_DEPTH, chains of binary
    operators are parsed with loops (any length)."""

    def __init__(self, src: str, where: str):
        # each nesting level costs about seven Python frames
        if sys.getrecursionlimit() < 10 * MAX_DEPTH + 2000:
            sys.setrecursionlimit(10 * MAX_DEPTH + 2000)
        self.src = src
        self.where = where
        self.toks = tokenize(src, where)
        self.pos = 0
        self.depth = 0

    # helpers
    def peek(self) -> Token:
        return self.toks[self.pos]

    def next(self) -> Token:
        t = self.toks[self.pos]
        self.pos += 1
        return t

    def err(self, tok: Token, msg: str):
        raise ProblemError(f"{self.where}, column {tok.col}: {msg}")

    def expect(self, text: str) -> Token:
        t = self.peek()
        if t.kind == "op" and t.text == text:
            return self.next()
        found = "end of expression" if t.kind == "end" else f"'{t.text}'"
        self.err(t, f"expected '{text}', found {found}")

    def enter(self, tok: Token):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            self.err(tok, f"expression nests deeper than {MAX_DEPTH} levels")

    def leave(self):
        self.depth -= 1

    # grammar
    def parse_expression(self) -> Node:
        node = self.expr()
        t = self.peek()
        if t.kind != "end":
            if t.text == "=":
                self.err(t, "'=' is only allowed in a constraint")
            if t.text in ("<=", ">="):
                self.err(t, f"'{t.text}' is only allowed in a constraint")
            if t.text in ("<", ">"):
                self.err(t, f"'{t.text}' is not supported: use '{t.text}='")
            self.err(t, f"unexpected '{t.text}'")
        return node

    def parse_equation(self) -> tuple[Node, Node]:
        """An equation only (kept for callers that need lhs = rhs)."""
        kind, nodes, _ = self.parse_constraint()
        if kind != "eq":
            self.err(self.toks[0], "expected an equation 'lhs = rhs'")
        return nodes[0], nodes[1]

    def parse_constraint(self):
        """(kind, nodes, op tokens): kind 'eq' (lhs, rhs), 'le' / 'ge' (lhs, rhs),
        'range' (lo, e, hi) -- `hi >= e >= lo` is returned as (lo, e, hi)."""
        parts = [self.expr()]
        ops = []
        while True:
            t = self.peek()
            if t.kind == "end":
                break
            if t.kind == "op" and t.text in ("<", ">"):
                self.err(t, f"'{t.text}' is not supported: use '{t.text}='")
            if not (t.kind == "op" and t.text in ("=", "<=", ">=")):
                if ops:
                    self.err(t, f"unexpected '{t.text}' after the constraint")
                self.err(t, "expected '=', '<=' or '>=' in the constraint")
            if len(ops) == 2:
                self.err(t, "a constraint has at most two comparisons (a range lo <= e <= hi)")
            self.next()
            ops.append(t)
            parts.append(self.expr())
        if not ops:
            self.err(self.peek(), "expected '=', '<=' or '>=' in the constraint")
        if len(ops) == 1:
            kind = {"=": "eq", "<=": "le", ">=": "ge"}[ops[0].text]
            return kind, parts, ops
        a, b = ops
        if a.text == "=" or b.text == "=":
            self.err(b if b.text == "=" else a, "'=' cannot be chained with another comparison")
        if a.text != b.text:
            self.err(b, f"a range needs the same comparison twice ('<= ... <=' or '>= ... >='), found '{a.text}' and '{b.text}'")
        if a.text == "<=":
            return "range", parts, ops
        return "range", [parts[2], parts[1], parts[0]], ops

    def expr(self) -> Node:
        node = self.term()
        while True:
            t = self.peek()
            if t.kind == "op" and t.text in ("+", "-"):
                self.next()
                node = Node(t.text, t.col, [node, self.term()])
            else:
                return node

    def term(self) -> Node:
        node = self.unary()
        while True:
            t = self.peek()
            if t.kind == "op" and t.text in ("*", "/", "@"):
                self.next()
                node = Node(t.text, t.col, [node, self.unary()])
            else:
                return node

    def unary(self) -> Node:
        t = self.peek()
        if t.kind == "op" and t.text in ("-", "+"):
            self.next()
            self.enter(t)
            operand = self.unary()
            self.leave()
            return Node("neg", t.col, [operand]) if t.text == "-" else operand
        return self.power()

    def power(self) -> Node:
        base = self.postfix()
        t = self.peek()
        if t.kind == "op" and t.text == "^":
            self.next()
            self.enter(t)
            exponent = self.unary()  # right-associative, allows 2^-1
            self.leave()
            return Node("^", t.col, [base, exponent])
        return base

    def postfix(self) -> Node:
        node = self.primary()
        while self.peek().kind == "op" and self.peek().text == "[":
            t = self.next()
            node = self.index(node, t)
        return node

    def int_literal(self) -> int | None:
        t = self.peek()
        neg = False
        if t.kind == "op" and t.text == "-":
            self.next()
            neg = True
            t = self.peek()
        if t.kind == "num":
            if not re.fullmatch(r"\d+", t.text):
                self.err(t, f"an index must be an integer literal, found '{t.text}'")
            self.next()
            return -int(t.text) if neg else int(t.text)
        if neg:
            self.err(t, "expected an integer after '-' in an index")
        return None

    def index(self, node: Node, bracket: Token) -> Node:
        a = self.int_literal()
        t = self.peek()
        if t.kind == "op" and t.text == ":":
            self.next()
            b = self.int_literal()
            self.expect("]")
            return Node("slice", bracket.col, [node], (a, b))
        if a is None:
            self.err(t, "expected an integer literal or a slice in '[...]'")
        self.expect("]")
        return Node("index", bracket.col, [node], a)

    def primary(self) -> Node:
        t = self.next()
        if t.kind == "num":
            return Node("num", t.col, value=float(t.text))
        if t.kind == "name":
            if self.peek().kind == "op" and self.peek().text == "(":
                if t.text not in FUNCTIONS:
                    self.err(t, f"unknown function '{t.text}'")
                open_ = self.next()
                self.enter(open_)
                args = []
                if not (self.peek().kind == "op" and self.peek().text == ")"):
                    args.append(self.expr())
                    while self.peek().kind == "op" and self.peek().text == ",":
                        self.next()
                        args.append(self.expr())
                self.expect(")")
                self.leave()
                return Node("call", t.col, args, t.text)
            return Node("name", t.col, value=t.text)
        if t.kind == "op" and t.text == "(":
            self.enter(t)
            node = self.expr()
            self.expect(")")
            self.leave()
            return node
        if t.kind == "end":
            self.err(t, "unexpected end of expression")
        self.err(t, f"unexpected '{t.text}'")


def parse_expression(src: str, where: str = "<expr>") -> Node:
    return Parser(src, where).parse_expression()


def parse_equation(src: str, where: str = "<equation>") -> tuple[Node, Node]:
    return Parser(src, where).parse_equation()


def parse_constraint(src: str, where: str = "<constraint>"):
    """(kind, nodes): 'eq' / 'le' / 'ge' with (lhs, rhs), 'range' with (lo, e, hi)."""
    kind, nodes, _ = Parser(src, where).parse_constraint()
    return kind, nodes


def node_names(node: Node) -> set:
    """Every name used in an expression (iteratively: chains can be long)."""
    out, stack = set(), [node]
    while stack:
        nd = stack.pop()
        if nd.op == "name":
            out.add(nd.value)
        stack.extend(nd.args)
    return out


# --------------------------------------------------------------------------
# Shape-checked lowering to a backend (CasADi SX/MX, or numpy for evaluation)
# --------------------------------------------------------------------------

@dataclass
class Val:
    v: object  # casadi SX/MX/DM or numpy array
    shape: tuple


def _fmt_shape(s: tuple) -> str:
    if s == ():
        return "scalar"
    if len(s) == 1:
        return f"vector[{s[0]}]"
    return f"matrix[{s[0]}x{s[1]}]"


class CasadiBackend:
    """Builds CasADi expressions. Vectors are n x 1, matrices m x n."""

    def __init__(self):
        self.ca = ca

    def const(self, arr: np.ndarray):
        if arr.ndim == 0:
            return ca.DM(float(arr))
        if arr.ndim == 1:
            return ca.DM(arr.reshape(-1, 1))
        return ca.DM(arr)

    def unary(self, name, v):
        return {
            "sin": ca.sin, "cos": ca.cos, "tan": ca.tan, "exp": ca.exp, "log": ca.log,
            "sqrt": ca.sqrt, "tanh": ca.tanh, "abs": ca.fabs,
            "log1p": getattr(ca, "log1p", lambda u: ca.log(1 + u)),
            "expm1": getattr(ca, "expm1", lambda u: ca.exp(u) - 1),
            "atan": ca.atan, "sigmoid": lambda u: 1 / (1 + ca.exp(-u)),
        }[name](v)

    def neg(self, v):
        return -v

    def binary(self, op, a, b):
        if op == "+":
            return a + b
        if op == "-":
            return a - b
        if op == "*":
            return a * b
        if op == "/":
            return a / b
        if op == "^":
            return ca.power(a, b)
        raise AssertionError(op)

    def matmul(self, a, sa, b, sb):
        if len(sa) == 1:  # row vector times ...
            a = a.T
        return ca.mtimes(a, b)

    def sum(self, v, shape):
        if shape == ():
            return v
        return ca.sum1(ca.sum2(v))

    def dot(self, a, b):
        return ca.dot(a, b)

    def norm(self, v, shape):
        return ca.norm_2(v) if len(shape) <= 1 else ca.norm_fro(v)

    def index_vec(self, v, i):
        return v[i]

    def index_row(self, v, i):
        return v[i, :].T

    def slice_vec(self, v, a, b):
        return v[a:b]

    def slice_rows(self, v, a, b):
        return v[a:b, :]

    def flatten(self, v, shape):
        """Row-major flattening to a column."""
        if len(shape) == 2:
            return ca.vec(v.T)
        return v

    def broadcast(self, v, shape):
        if shape == ():
            return v
        n = int(np.prod(shape))
        return ca.repmat(v, n, 1)


class NumpyBackend:
    """Evaluates expressions with numpy (vectors 1-D, matrices 2-D)."""

    def const(self, arr):
        return np.asarray(arr, dtype=float)

    def unary(self, name, v):
        return {
            "sin": np.sin, "cos": np.cos, "tan": np.tan, "exp": np.exp, "log": np.log,
            "sqrt": np.sqrt, "tanh": np.tanh, "abs": np.abs,
            "log1p": np.log1p, "expm1": np.expm1, "atan": np.arctan,
            "sigmoid": lambda u: 1 / (1 + np.exp(-u)),
        }[name](v)

    def neg(self, v):
        return -v

    def binary(self, op, a, b):
        with np.errstate(all="ignore"):
            return {"+": np.add, "-": np.subtract, "*": np.multiply, "/": np.divide,
                    "^": np.power}[op](a, b)

    def matmul(self, a, sa, b, sb):
        return a @ b

    def sum(self, v, shape):
        return np.sum(v)

    def dot(self, a, b):
        return np.dot(a, b)

    def norm(self, v, shape):
        return np.linalg.norm(v)

    def index_vec(self, v, i):
        return v[i]

    def index_row(self, v, i):
        return v[i, :]

    def slice_vec(self, v, a, b):
        return v[a:b]

    def slice_rows(self, v, a, b):
        return v[a:b, :]

    def flatten(self, v, shape):
        return np.ravel(v)

    def broadcast(self, v, shape):
        return np.full(int(np.prod(shape)) if shape else 1, v)


class Lowerer:
    def __init__(self, backend, env: dict, where: str):
        self.be = backend
        self.env = env  # name -> Val
        self.where = where

    def err(self, node: Node, msg: str):
        raise ProblemError(f"{self.where}, column {node.col}: {msg}")

    def lower(self, node: Node) -> Val:
        op = node.op
        if op == "num":
            return Val(self.be.const(np.array(node.value)), ())
        if op == "name":
            name = node.value
            if name in self.env:
                return self.env[name]
            if name in CONSTANTS:
                return Val(self.be.const(np.array(CONSTANTS[name])), ())
            if name in FUNCTIONS:
                self.err(node, f"function '{name}' used without arguments")
            import difflib
            close = difflib.get_close_matches(name, list(self.env) + list(CONSTANTS), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            self.err(node, f"unknown name '{name}'{hint}")
        if op == "neg":
            a = self.lower(node.args[0])
            return Val(self.be.neg(a.v), a.shape)
        if op in ("+", "-", "*", "/", "@"):
            # left-deep chains (a + b + c + ...) are folded with a loop, so a
            # flat expression of any length does not recurse
            spine = []
            while node.op in ("+", "-", "*", "/", "@"):
                spine.append(node)
                node = node.args[0]
            acc = self.lower(node)
            for nd in reversed(spine):
                b = self.lower(nd.args[1])
                acc = self.matmul(nd, acc, b) if nd.op == "@" else self.elementwise(nd, nd.op, acc, b)
            return acc
        if op == "^":
            a = self.lower(node.args[0])
            b = self.lower(node.args[1])
            return self.elementwise(node, op, a, b)
        if op == "index":
            return self.index(node)
        if op == "slice":
            return self.slice(node)
        if op == "call":
            return self.call(node)
        raise AssertionError(op)

    def elementwise(self, node, op, a: Val, b: Val) -> Val:
        if a.shape != b.shape and a.shape != () and b.shape != ():
            self.err(node, f"shape mismatch in '{op}': {_fmt_shape(a.shape)} and {_fmt_shape(b.shape)}")
        shape = a.shape if a.shape != () else b.shape
        return Val(self.be.binary(op, a.v, b.v), shape)

    def matmul(self, node, a: Val, b: Val) -> Val:
        sa, sb = a.shape, b.shape
        if sa == () or sb == ():
            self.err(node, f"'@' needs vectors or matrices, got {_fmt_shape(sa)} and {_fmt_shape(sb)}")
        inner_a = sa[-1]
        inner_b = sb[0]
        if inner_a != inner_b:
            self.err(node, f"shape mismatch in '@': {_fmt_shape(sa)} and {_fmt_shape(sb)}")
        out = tuple(list(sa[:-1]) + list(sb[1:]))
        return Val(self.be.matmul(a.v, sa, b.v, sb), out)

    def _norm_index(self, node, i, n):
        j = i + n if i < 0 else i
        if not 0 <= j < n:
            self.err(node, f"index {i} out of range for length {n}")
        return j

    def index(self, node) -> Val:
        a = self.lower(node.args[0])
        if a.shape == ():
            self.err(node, "cannot index a scalar")
        n = a.shape[0]
        i = self._norm_index(node, node.value, n)
        if len(a.shape) == 1:
            return Val(self.be.index_vec(a.v, i), ())
        return Val(self.be.index_row(a.v, i), (a.shape[1],))

    def slice(self, node) -> Val:
        a = self.lower(node.args[0])
        if a.shape == ():
            self.err(node, "cannot slice a scalar")
        n = a.shape[0]
        lo, hi, _ = slice(*node.value).indices(n)
        hi = max(hi, lo)
        if hi - lo == 0:
            self.err(node, f"slice [{node.value[0]}:{node.value[1]}] of length {n} is empty")
        if len(a.shape) == 1:
            return Val(self.be.slice_vec(a.v, lo, hi), (hi - lo,))
        return Val(self.be.slice_rows(a.v, lo, hi), (hi - lo, a.shape[1]))

    def call(self, node) -> Val:
        name = node.value
        arity = 2 if name in ("dot", "pow") else 1
        if len(node.args) != arity:
            self.err(node, f"'{name}' takes {arity} argument{'s' if arity > 1 else ''}, got {len(node.args)}")
        args = [self.lower(a) for a in node.args]
        if name in FUNCTIONS_UNARY:
            return Val(self.be.unary(name, args[0].v), args[0].shape)
        if name == "pow":
            return self.elementwise(node, "^", args[0], args[1])
        if name == "sum":
            return Val(self.be.sum(args[0].v, args[0].shape), ())
        if name == "norm":
            return Val(self.be.norm(args[0].v, args[0].shape), ())
        if name == "dot":
            a, b = args
            if len(a.shape) != 1 or a.shape != b.shape:
                self.err(node, f"'dot' needs two vectors of equal length, got {_fmt_shape(a.shape)} and {_fmt_shape(b.shape)}")
            return Val(self.be.dot(a.v, b.v), ())
        raise AssertionError(name)

    def equation(self, lhs_node, rhs_node):
        """Returns (g flattened row-major, shape, lhs flat, rhs flat)."""
        lhs = self.lower(lhs_node)
        rhs = self.lower(rhs_node)
        if lhs.shape != rhs.shape and lhs.shape != () and rhs.shape != ():
            self.err(rhs_node, f"the two sides of the equation differ in shape: {_fmt_shape(lhs.shape)} and {_fmt_shape(rhs.shape)}")
        shape = lhs.shape if lhs.shape != () else rhs.shape
        g = self.be.binary("-", lhs.v, rhs.v)
        lf = self.be.flatten(lhs.v, lhs.shape) if lhs.shape == shape else self.be.broadcast(lhs.v, shape)
        rf = self.be.flatten(rhs.v, rhs.shape) if rhs.shape == shape else self.be.broadcast(rhs.v, shape)
        return self.be.flatten(g, shape), shape, lf, rf


# --------------------------------------------------------------------------
# Problem file
# --------------------------------------------------------------------------

INF_BOUND = 1e20  # a bound of this magnitude or more means none (as in IPOPT)


@dataclass
class Variable:
    name: str
    size: int | None  # None: scalar
    start: np.ndarray  # 1-D, length max(size, 1)
    lower: np.ndarray = None  # 1-D, -inf where none
    upper: np.ndarray = None  # 1-D, +inf where none


@dataclass
class Constraint:
    name: str
    text: str
    lhs: Node  # for a range: the middle expression e
    rhs: Node  # for a range: None
    field: str
    kind: str = "eq"  # 'eq' | 'le' | 'ge' | 'range'
    lo: Node = None  # range ends (free of variables)
    hi: Node = None


@dataclass
class Problem:
    path: str
    raw: dict
    variables: list
    parameters: dict  # name -> np.ndarray (0-, 1- or 2-D)
    sense: str  # 'minimize' | 'maximize'
    objective_text: str
    objective: Node
    constraints: list
    options: dict
    expected: dict | None

    @property
    def n(self) -> int:
        return sum(1 if v.size is None else v.size for v in self.variables)

    def x0(self) -> np.ndarray:
        return np.concatenate([v.start for v in self.variables])

    def lbx(self) -> np.ndarray:
        return np.concatenate([v.lower for v in self.variables])

    def ubx(self) -> np.ndarray:
        return np.concatenate([v.upper for v in self.variables])

    @property
    def has_bounds(self) -> bool:
        return bool(np.any(np.isfinite(self.lbx())) or np.any(np.isfinite(self.ubx())))

    @property
    def has_inequalities(self) -> bool:
        return any(c.kind != "eq" for c in self.constraints)

    # ---- packing between flat vectors and {name: value} maps ----
    def unpack(self, x: np.ndarray) -> dict:
        out, k = {}, 0
        for v in self.variables:
            if v.size is None:
                out[v.name] = float(x[k])
                k += 1
            else:
                out[v.name] = [float(t) for t in x[k:k + v.size]]
                k += v.size
        return out

    def pack(self, xmap: dict) -> np.ndarray:
        parts = []
        for v in self.variables:
            val = xmap[v.name]
            parts.append(np.atleast_1d(np.asarray(val, dtype=float)))
        return np.concatenate(parts)

    def shape_multipliers(self, lam: np.ndarray, shapes) -> list:
        out, k = [], 0
        for shape in shapes:
            if shape == ():
                out.append(float(lam[k]))
                k += 1
            elif len(shape) == 1:
                out.append([float(t) for t in lam[k:k + shape[0]]])
                k += shape[0]
            else:
                m, n = shape
                out.append([[float(t) for t in lam[k + r * n:k + (r + 1) * n]] for r in range(m)])
                k += m * n
        return out

    def flatten_multipliers(self, mult: list) -> np.ndarray:
        return np.concatenate([np.ravel(np.asarray(m, dtype=float)) for m in mult]) if mult else np.zeros(0)

    # ---- lowering ----
    def _env(self, backend, xsyms) -> dict:
        env = {}
        for name, arr in self.parameters.items():
            env[name] = Val(backend.const(arr), arr.shape)
        for v, s in zip(self.variables, xsyms):
            env[v.name] = Val(s, () if v.size is None else (v.size,))
        return env

    def casadi(self, kind: str = "auto") -> dict:
        """Symbols and expressions: x (flat), f (as written), g (flat), shapes,
        lhs/rhs (flat, for relative feasibility), sense."""
        if ca is None:
            raise RuntimeError("casadi is not installed (run benches/peers/setup.sh)")
        if kind == "auto":
            big = sum(a.size for a in self.parameters.values())
            kind = "MX" if big > 20000 or self.n > 2000 else "SX"
        Sym = ca.SX if kind == "SX" else ca.MX
        x = Sym.sym("x", self.n)
        xsyms, k = [], 0
        for v in self.variables:
            if v.size is None:
                xsyms.append(x[k])
                k += 1
            else:
                xsyms.append(x[k:k + v.size])
                k += v.size
        be = CasadiBackend()
        env = self._env(be, xsyms)
        where = f"{self.path}: field '{self.sense}'"
        fval = Lowerer(be, env, where).lower(self.objective)
        if fval.shape != ():
            raise ProblemError(f"{where}: the objective must be a scalar, got {_fmt_shape(fval.shape)}")
        gs, shapes, lhss, rhss, lbg, ubg, kinds = [], [], [], [], [], [], []
        for c in self.constraints:
            g, shape, lf, rf, lo, hi = self._lower_constraint(be, env, c)
            gs.append(g)
            shapes.append(shape)
            lhss.append(lf)
            rhss.append(rf)
            lbg.append(lo)
            ubg.append(hi)
            kinds += [c.kind] * lo.size
        g = ca.vertcat(*gs) if gs else Sym(0, 1)
        return {
            "x": x, "f": fval.v, "g": g, "shapes": shapes, "kind": kind,
            "lhs": ca.vertcat(*lhss) if lhss else Sym(0, 1),
            "rhs": ca.vertcat(*rhss) if rhss else Sym(0, 1),
            "lbg": np.concatenate(lbg) if lbg else np.zeros(0),
            "ubg": np.concatenate(ubg) if ubg else np.zeros(0),
            "lbx": self.lbx(), "ubx": self.ubx(), "kinds": kinds,
        }

    def range_ends(self, c: Constraint, shape: tuple) -> tuple[np.ndarray, np.ndarray]:
        """A range's ends as flat arrays of the constraint's size (checked: free
        of variables, scalar or of e's shape, lo <= hi)."""
        where = f"{self.path}: {c.field}"
        varnames = {v.name for v in self.variables}
        be = NumpyBackend()
        env = {name: Val(arr, arr.shape) for name, arr in self.parameters.items()}
        ends = []
        for which, node in (("lower", c.lo), ("upper", c.hi)):
            used = node_names(node) & varnames
            if used:
                raise ProblemError(f"{where}, column {node.col}: the {which} end of a range must not "
                                   f"depend on variables (uses '{sorted(used)[0]}')")
            val = Lowerer(be, env, where).lower(node)
            if val.shape != () and val.shape != shape:
                raise ProblemError(f"{where}, column {node.col}: the {which} end of the range is "
                                   f"{_fmt_shape(val.shape)}, the expression {_fmt_shape(shape)}")
            size = int(np.prod(shape)) if shape else 1
            arr = np.full(size, float(val.v)) if val.shape == () else np.ravel(np.asarray(val.v, dtype=float))
            ends.append(arr)
        lo, hi = ends
        lo[lo <= -INF_BOUND] = -np.inf
        hi[hi >= INF_BOUND] = np.inf
        bad = np.nonzero(lo > hi)[0]
        if bad.size:
            i = int(bad[0])
            raise ProblemError(f"{where}: range with lower end {lo[i]:g} > upper end {hi[i]:g}")
        return lo, hi

    def _lower_constraint(self, be, env, c: Constraint):
        """(g flat, shape, lhs flat, rhs flat, lbg, ubg) of one constraint entry."""
        low = Lowerer(be, env, f"{self.path}: {c.field}")
        if c.kind == "range":
            e = low.lower(c.lhs)
            shape = e.shape
            lo, hi = self.range_ends(c, shape)
            ef = be.flatten(e.v, shape)
            # rhs for relative feasibility scales: the larger finite end in size
            scale = np.maximum(np.where(np.isfinite(lo), np.abs(lo), 0.0),
                               np.where(np.isfinite(hi), np.abs(hi), 0.0))
            rf = ca.DM(scale.reshape(-1, 1)) if isinstance(be, CasadiBackend) else scale
            return ef, shape, ef, rf, lo.copy(), hi.copy()
        g, shape, lf, rf = low.equation(c.lhs, c.rhs)
        size = int(np.prod(shape)) if shape else 1
        zero = np.zeros(size)
        if c.kind == "eq":
            return g, shape, lf, rf, zero, zero.copy()
        if c.kind == "le":
            return g, shape, lf, rf, np.full(size, -np.inf), zero
        return g, shape, lf, rf, zero, np.full(size, np.inf)

    def numpy_eval(self, xflat: np.ndarray):
        """Objective and constraint values with numpy (an independent evaluator)."""
        be = NumpyBackend()
        xsyms, k = [], 0
        for v in self.variables:
            if v.size is None:
                xsyms.append(np.float64(xflat[k]))
                k += 1
            else:
                xsyms.append(np.asarray(xflat[k:k + v.size]))
                k += v.size
        env = self._env(be, xsyms)
        f = Lowerer(be, env, self.path).lower(self.objective).v
        gs = [self._lower_constraint(be, env, c)[0] for c in self.constraints]
        return float(f), (np.concatenate([np.ravel(g) for g in gs]) if gs else np.zeros(0))


def _num(value, where) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ProblemError(f"{where}: expected a number, got {json.dumps(value)[:40]}")
    if not math.isfinite(value):
        raise ProblemError(f"{where}: the number is not finite")
    return float(value)


def _parameter(value, where, base_dir) -> np.ndarray:
    if isinstance(value, dict):
        if set(value) != {"npy"} or not isinstance(value["npy"], str):
            raise ProblemError(f"{where}: a parameter object must be {{\"npy\": \"FILE.npy\"}}")
        p = os.path.join(base_dir, value["npy"])
        if not os.path.isfile(p):
            raise ProblemError(f"{where}: npy file '{value['npy']}' not found")
        arr = np.load(p, allow_pickle=False)
        if arr.dtype != np.float64 or arr.ndim not in (1, 2):
            raise ProblemError(f"{where}: npy file must hold float64 with 1 or 2 dimensions, got {arr.dtype} {arr.ndim}-D")
        return arr
    if isinstance(value, list):
        if value and all(isinstance(r, list) for r in value):
            n = len(value[0])
            if n == 0 or any(len(r) != n for r in value):
                raise ProblemError(f"{where}: matrix rows must have equal nonzero length")
            return np.array([[_num(t, where) for t in r] for r in value])
        if not value:
            raise ProblemError(f"{where}: empty array")
        return np.array([_num(t, where) for t in value])
    return np.array(_num(value, where))


def _bound(value, side: float, where: str, size, params: dict) -> np.ndarray:
    """A variable bound: absent, a number, an array of `size` entries (null for
    none) or an expression of parameters (scalar or of the variable's size).
    side -1 for lower, +1 for upper; |b| >= 1e20 means none."""
    length = 1 if size is None else size
    none = side * np.inf
    if value is None:
        return np.full(length, none)
    if isinstance(value, list):
        if size is None or len(value) != size:
            raise ProblemError(f"{where}: has {len(value)} entries, expected "
                               f"{length if size is not None else 'a number or a string (scalar variable)'}")
        arr = np.array([none if t is None else _num(t, where) for t in value], dtype=float)
    elif isinstance(value, str):
        node = parse_expression(value, where)
        env = {name: Val(arr, arr.shape) for name, arr in params.items()}
        val = Lowerer(NumpyBackend(), env, where).lower(node)  # a variable name is unknown here
        if val.shape == ():
            arr = np.full(length, float(val.v))
        elif val.shape == (length,) and size is not None:
            arr = np.asarray(val.v, dtype=float).copy()
        else:
            raise ProblemError(f"{where}: the bound is {_fmt_shape(val.shape)}, the variable "
                               f"{'scalar' if size is None else _fmt_shape((size,))}")
        if not np.all(np.isfinite(arr)):
            raise ProblemError(f"{where}: the bound is not finite")
    else:
        arr = np.full(length, _num(value, where))
    arr[np.abs(arr) >= INF_BOUND] = none
    return arr


def load_problem(path: str) -> Problem:
    try:
        with open(path, "rb") as fh:
            raw_bytes = fh.read()
    except OSError as exc:
        raise ProblemError(f"{path}: cannot read: {exc.strerror}")
    try:
        raw = json.loads(raw_bytes.decode("utf-8"))
    except UnicodeDecodeError:
        raise ProblemError(f"{path}: not UTF-8")
    except json.JSONDecodeError as exc:
        raise ProblemError(f"{path}: not JSON: {exc}")
    if not isinstance(raw, dict):
        raise ProblemError(f"{path}: the top level must be an object")
    for k in raw:
        if k not in TOP_LEVEL_FIELDS:
            raise ProblemError(f"{path}: unknown top-level field '{k}'")
    base = os.path.dirname(os.path.abspath(path))

    params = {}
    for name, val in (raw.get("parameters") or {}).items():
        where = f"{path}: field 'parameters.{name}'"
        if not IDENT.match(name) or name in FUNCTIONS or name in CONSTANTS:
            raise ProblemError(f"{where}: '{name}' cannot be a parameter name")
        params[name] = _parameter(val, where, base)

    if "variables" not in raw or not isinstance(raw["variables"], list):
        raise ProblemError(f"{path}: field 'variables' (an array) is required")
    variables, seen = [], set()
    for i, v in enumerate(raw["variables"]):
        where = f"{path}: field 'variables[{i}]'"
        if not isinstance(v, dict) or not isinstance(v.get("name"), str):
            raise ProblemError(f"{where}: a variable is an object with a 'name'")
        for k in v:
            if k not in ("name", "size", "start", "lower", "upper"):
                raise ProblemError(f"{where}: unknown field '{k}'")
        name = v["name"]
        if not IDENT.match(name) or name in FUNCTIONS or name in CONSTANTS:
            raise ProblemError(f"{where}: '{name}' cannot be a variable name")
        if name in seen or name in params:
            raise ProblemError(f"{where}: duplicate name '{name}'")
        seen.add(name)
        size = v.get("size")
        if size is not None and (isinstance(size, bool) or not isinstance(size, int) or size < 1):
            raise ProblemError(f"{where}: 'size' must be a positive integer")
        length = 1 if size is None else size
        start = v.get("start", 0.0)
        if isinstance(start, list):
            if size is None or len(start) != size:
                raise ProblemError(f"{where}: 'start' has {len(start)} entries, expected {length}")
            st = np.array([_num(t, where + ".start") for t in start])
        else:
            st = np.full(length, _num(start, where + ".start"))
        lower = _bound(v.get("lower"), -1.0, where + ".lower", size, params)
        upper = _bound(v.get("upper"), 1.0, where + ".upper", size, params)
        bad = np.nonzero(lower > upper)[0]
        if bad.size:
            i = int(bad[0])
            raise ProblemError(f"{where}: lower bound {lower[i]:g} > upper bound {upper[i]:g}"
                               + (f" (element {i})" if size is not None else ""))
        variables.append(Variable(name, size, st, lower, upper))

    has_min, has_max = "minimize" in raw, "maximize" in raw
    if has_min == has_max:
        raise ProblemError(f"{path}: exactly one of 'minimize' and 'maximize' is required")
    sense = "minimize" if has_min else "maximize"
    if not isinstance(raw[sense], str):
        raise ProblemError(f"{path}: field '{sense}' must be a string")
    objective = parse_expression(raw[sense], f"{path}: field '{sense}'")

    constraints = []
    for i, c in enumerate(raw.get("constraints") or []):
        fld = f"field 'constraints[{i}]'"
        if isinstance(c, str):
            name, text = f"c{i}", c
        elif isinstance(c, dict) and isinstance(c.get("equation"), str):
            name, text = str(c.get("name", f"c{i}")), c["equation"]
        else:
            raise ProblemError(f"{path}: {fld}: a constraint is a string or {{name, equation}}")
        kind, nodes = parse_constraint(text, f"{path}: {fld}")
        if kind == "range":
            lo, e, hi = nodes
            constraints.append(Constraint(name, text, e, None, fld, kind, lo, hi))
        else:
            constraints.append(Constraint(name, text, nodes[0], nodes[1], fld, kind))

    return Problem(
        path=path, raw=raw, variables=variables, parameters=params, sense=sense,
        objective_text=raw[sense], objective=objective, constraints=constraints,
        options=raw.get("options") or {}, expected=raw.get("expected"),
    )


def main(argv):
    if len(argv) < 2:
        print("usage: translate.py FILE.json ...", file=sys.stderr)
        return 2
    for p in argv[1:]:
        try:
            prob = load_problem(p)
            t = prob.casadi()
        except ProblemError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        print(f"== {p}: n={prob.n}, m={t['g'].shape[0]}, {prob.sense}, {t['kind']}")
        if prob.n <= 20:
            print("f =", t["f"])
            print("g =", t["g"])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
