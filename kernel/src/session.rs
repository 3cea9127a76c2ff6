//! The notebook session: one Rhai engine, one scope and one world for the life of a kernel.
//! One cell in, outputs out — streams, displays, the cell's value, an error, pager pages —
//! with no Jupyter in it, so the ZeroMQ kernel, `cloudbook run` and `cloudbook SCRIPT.rhai`
//! share it.
//!
//! How cells persist (design.md "Rhai facts"): every cell is compiled against the scope,
//! merged with the functions of earlier cells, evaluated in the one [`Scope`], and then only
//! its functions are kept. Re-running `let x` pushes another scope entry, so the scope is
//! compacted after each cell (the newest entry of each name wins).
//!
//! Safety limits (design principle 6): the engine runs on a thread with a large stack
//! ([`ENGINE_STACK`]) and a call-depth limit that fits inside it, so deep recursion is an
//! error, never a stack overflow; strings, arrays and maps have size caps; the operation
//! count is finite; `import` is disabled (no file access: the module resolver is a dummy).
//! Interrupts: one atomic flag, shared with the world (`World::interrupt`), is checked by
//! rhai's `on_progress` between script operations and by long native stdlib operations.
//!
//! Errors: the traceback names the cell (`In [3]`) and line:column; an error inside a
//! function defined in an earlier cell points at that cell and line, via a function-name ->
//! cell map kept as cells are run.

use std::collections::BTreeMap;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use cloudbook_stdlib::render::{self, MimeBundle};
use cloudbook_stdlib::script::convert::shown_aws_error;
use cloudbook_stdlib::{DocMode, Shared, World};
use parking_lot::Mutex;
use rhai::packages::{Package, StandardPackage};
use rhai::{AST, Dynamic, Engine, EvalAltResult, FuncRegistration, ParseError, Position, Scope};

use crate::docs::{self, Docs, FnDoc};

/// Stack size of the thread the engine must run on (see [`spawn_engine_thread`]).
pub const ENGINE_STACK: usize = 256 * 1024 * 1024;
/// Script call depth: well inside [`ENGINE_STACK`] even for debug builds.
pub const MAX_CALL_LEVELS: usize = 2_000;
/// Operations per cell: high (minutes of work) but finite.
pub const MAX_OPERATIONS: u64 = 5_000_000_000;
pub const MAX_STRING_SIZE: usize = 64 * 1024 * 1024;
pub const MAX_ARRAY_SIZE: usize = 10_000_000;
pub const MAX_MAP_SIZE: usize = 1_000_000;
/// Expression nesting (top level, inside functions): raised so nested maps in `fn` bodies compile.
pub const MAX_EXPR_DEPTHS: (usize, usize) = (256, 256);

/// Which output stream a piece of text goes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StreamName {
    Stdout,
    Stderr,
}

impl StreamName {
    pub fn as_str(self) -> &'static str {
        match self {
            StreamName::Stdout => "stdout",
            StreamName::Stderr => "stderr",
        }
    }
}

/// One output of a running cell, delivered to the sink as it happens.
#[derive(Clone, Debug, PartialEq)]
pub enum Output {
    Stream { name: StreamName, text: String },
    /// `display(x)` (or `display(x, id)`); `update` replaces an earlier display with that id.
    Display { data: MimeBundle, display_id: Option<String>, update: bool },
    ClearOutput { wait: bool },
}

/// An error as Jupyter shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct CellError {
    /// The AWS error code (`NotFoundException`) or the kind of script error (`SyntaxError`).
    pub ename: String,
    pub evalue: String,
    /// Lines: `ename: evalue`, the source line with a caret, `at In [n] line l, column c`, hints.
    pub traceback: Vec<String>,
}

/// What a cell produced besides its streamed outputs.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CellResult {
    /// The cell's value (`None` for `()` or on error).
    pub value: Option<MimeBundle>,
    pub error: Option<CellError>,
    /// `help(...)` pages (text/plain bundles), shown by the front end's pager.
    pub pages: Vec<MimeBundle>,
}

/// Where a cell's outputs go while it runs.
pub type Sink = Box<dyn FnMut(Output) + Send>;

/// State the engine's callbacks share with the session.
#[derive(Default)]
struct Hooks {
    sink: Option<Sink>,
    help: Vec<String>,
}

impl Hooks {
    fn emit(&mut self, out: Output) {
        if let Some(sink) = self.sink.as_mut() {
            sink(out);
        }
    }
}

/// One input cell as it was run (for `history_request` and notebooks).
#[derive(Clone, Debug)]
pub struct HistoryEntry {
    pub count: u32,
    pub input: String,
    /// text/plain of the cell's value, if any.
    pub output: Option<String>,
}

pub struct Session {
    engine: Engine,
    scope: Scope<'static>,
    /// Functions defined by earlier cells (no statements).
    functions: AST,
    /// Function name -> the cell it was defined in, with that cell's source.
    fn_cells: BTreeMap<String, (String, Arc<str>)>,
    hooks: Arc<Mutex<Hooks>>,
    interrupt: Arc<AtomicBool>,
    shared: Shared,
    execution_count: u32,
    history: Vec<HistoryEntry>,
    docs: Option<Docs>,
}

/// Runs `f` on a new thread with [`ENGINE_STACK`] of stack (a session must live on such a
/// thread: its call-depth limit assumes the stack).
pub fn spawn_engine_thread<T: Send + 'static>(name: &str, f: impl FnOnce() -> T + Send + 'static) -> std::thread::JoinHandle<T> {
    std::thread::Builder::new().name(name.into()).stack_size(ENGINE_STACK).spawn(f).expect("cannot spawn the engine thread")
}

impl Session {
    /// A session over a fresh default world.
    pub fn new() -> Session {
        Session::with_world(World::default())
    }

    pub fn with_world(world: World) -> Session {
        let shared = cloudbook_stdlib::new_shared(world);
        let interrupt = shared.lock().interrupt.0.clone();
        // Rhai's standard library (what `Engine::new` installs) is built on a second thread
        // while this one registers the stdlib: the two are independent until installed, and
        // building them side by side shortens the kernel's start on two cores.
        let standard = std::thread::spawn(|| StandardPackage::new().as_shared_module());
        let mut engine = Engine::new_raw();
        engine
            .set_max_strings_interned(256) // as `Engine::new` does
            .set_max_call_levels(MAX_CALL_LEVELS)
            .set_max_operations(MAX_OPERATIONS)
            .set_max_string_size(MAX_STRING_SIZE)
            .set_max_array_size(MAX_ARRAY_SIZE)
            .set_max_map_size(MAX_MAP_SIZE)
            .set_max_expr_depths(MAX_EXPR_DEPTHS.0, MAX_EXPR_DEPTHS.1)
            .set_module_resolver(rhai::module_resolvers::DummyModuleResolver::new());
        let flag = interrupt.clone();
        engine.on_progress(move |_| flag.load(Ordering::Relaxed).then(|| Dynamic::from("interrupted")));
        let hooks: Arc<Mutex<Hooks>> = Arc::default();
        let h = hooks.clone();
        engine.on_print(move |s| h.lock().emit(Output::Stream { name: StreamName::Stdout, text: format!("{s}\n") }));
        let h = hooks.clone();
        engine.on_debug(move |s, _src, _pos| h.lock().emit(Output::Stream { name: StreamName::Stderr, text: format!("{s}\n") }));
        // Registered without docs (half the start-up work); `engine_docs` reads them from a
        // documented twin when first asked for.
        cloudbook_stdlib::register_all_with(&mut engine, &shared, DocMode::Skip);
        register_notebook_functions(&mut engine, &hooks, DocMode::Skip);
        engine.register_global_module(standard.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
        #[cfg(test)]
        {
            // A native function with a bug, for the panic-containment tests; it holds the
            // world's lock while it panics, as a buggy stdlib operation would.
            let w = shared.clone();
            engine.register_fn("test_native_panic", move |msg: &str| -> i64 {
                let _held = w.lock();
                panic!("{msg}")
            });
        }
        Session {
            engine,
            scope: Scope::new(),
            functions: AST::empty(),
            fn_cells: BTreeMap::new(),
            hooks,
            interrupt,
            shared,
            execution_count: 0,
            history: Vec::new(),
            docs: None,
        }
    }

    /// The world this session's scripts act on.
    pub fn shared(&self) -> &Shared {
        &self.shared
    }

    /// The flag that interrupts the running cell (set it from any thread).
    pub fn interrupt_flag(&self) -> Arc<AtomicBool> {
        self.interrupt.clone()
    }

    /// Lowers (or raises) the per-cell operation limit ([`MAX_OPERATIONS`] by default); the
    /// script fuzz target uses a small one so that `loop {}` ends quickly.
    pub fn set_max_operations(&mut self, n: u64) {
        self.engine.set_max_operations(n);
    }

    pub fn execution_count(&self) -> u32 {
        self.execution_count
    }

    pub fn history(&self) -> &[HistoryEntry] {
        &self.history
    }

    /// Runs one cell. Outputs stream to `sink` as they happen; the value, error and pages come
    /// back. `store_history` counts the cell (`In [n]`) and records it in the history.
    pub fn execute(&mut self, code: &str, store_history: bool, sink: Sink) -> CellResult {
        if store_history {
            self.execution_count += 1;
        }
        let label = if store_history { format!("In [{}]", self.execution_count) } else { "In [ ]".to_string() };
        self.interrupt.store(false, Ordering::Relaxed);
        {
            let mut h = self.hooks.lock();
            h.sink = Some(sink);
            h.help.clear();
        }
        let mut result = CellResult::default();
        let src: Arc<str> = Arc::from(code);
        match self.engine.compile_with_scope(&self.scope, code) {
            Err(e) => result.error = Some(parse_error(&e, &label, &src)),
            Ok(ast) => {
                for f in ast.iter_functions() {
                    self.fn_cells.insert(f.name.to_string(), (label.clone(), src.clone()));
                }
                let merged = self.functions.merge(&ast);
                // A panic in a native function (a bug) must not take the kernel down: it is
                // caught here and reported as the cell's error. The world's lock is a
                // parking_lot mutex, which a panic does not poison, and every AWS operation
                // mutates only after it has validated, so the world stays usable.
                let (engine, scope) = (&self.engine, &mut self.scope);
                let r = std::panic::catch_unwind(AssertUnwindSafe(|| {
                    engine.eval_ast_with_scope::<Dynamic>(scope, &merged).map(|v| render::bundle(&v))
                }));
                self.functions = merged.clone_functions_only();
                match r {
                    Ok(Ok(b)) => {
                        if !b.is_empty() {
                            result.value = Some(b);
                        }
                    }
                    Ok(Err(e)) => result.error = Some(self.runtime_error(&e, &label, &src)),
                    Err(panic) => result.error = Some(panic_error(panic.as_ref(), &label)),
                }
                self.compact_scope();
            }
        }
        let help = {
            let mut h = self.hooks.lock();
            h.sink = None;
            std::mem::take(&mut h.help)
        };
        for name in help {
            result.pages.push(MimeBundle::from([("text/plain".into(), self.help_text(&name).into())]));
        }
        if store_history {
            let output = result.value.as_ref().and_then(|b| b.get("text/plain")).and_then(|v| v.as_str()).map(str::to_string);
            self.history.push(HistoryEntry { count: self.execution_count, input: code.to_string(), output });
        }
        result
    }

    /// Keeps only the newest scope entry of each name, in order.
    fn compact_scope(&mut self) {
        // `iter_raw` goes newest first; work oldest first.
        let mut entries: Vec<(String, bool, Dynamic)> = self.scope.iter_raw().map(|(n, c, v)| (n.to_string(), c, v.clone())).collect();
        entries.reverse();
        if entries.iter().map(|e| &e.0).collect::<std::collections::BTreeSet<_>>().len() == entries.len() {
            return;
        }
        let mut last: BTreeMap<&str, usize> = BTreeMap::new();
        for (i, (n, _, _)) in entries.iter().enumerate() {
            last.insert(n, i);
        }
        let mut scope = Scope::new();
        for (i, (n, c, v)) in entries.iter().enumerate() {
            if last[n.as_str()] == i {
                if *c {
                    scope.push_constant_dynamic(n.clone(), v.clone());
                } else {
                    scope.push_dynamic(n.clone(), v.clone());
                }
            }
        }
        self.scope = scope;
    }

    /// Evaluates one expression in the notebook's scope (for `user_expressions`): no cell
    /// count, no history, no outputs.
    pub fn evaluate(&mut self, expr: &str) -> Result<MimeBundle, CellError> {
        self.interrupt.store(false, Ordering::Relaxed);
        let (engine, scope) = (&self.engine, &mut self.scope);
        let r = std::panic::catch_unwind(AssertUnwindSafe(|| engine.eval_expression_with_scope::<Dynamic>(scope, expr).map(|v| render::bundle(&v))));
        match r {
            Ok(Ok(mut b)) => {
                b.entry("text/plain".into()).or_insert_with(|| "()".into());
                Ok(b)
            }
            Ok(Err(e)) => Err(self.runtime_error(&e, "user expression", &Arc::from(expr))),
            Err(panic) => Err(panic_error(panic.as_ref(), "user expression")),
        }
    }

    /// Whether `code` is a complete cell: `("complete", "")`, `("incomplete", indent)` when the
    /// parser ran out of input (an open block, call or string), else `("invalid", "")`.
    pub fn is_complete(&self, code: &str) -> (&'static str, String) {
        let Err(e) = self.engine.compile(code) else { return ("complete", String::new()) };
        let at_end = match (e.1.line(), e.1.position()) {
            (None, _) => true,
            (Some(line), col) => {
                let lines: Vec<&str> = code.trim_end().lines().collect();
                line > lines.len() || (line == lines.len() && col.unwrap_or(0) > lines[line - 1].chars().count())
            }
        };
        let eof = matches!(*e.0, rhai::ParseErrorType::UnexpectedEOF);
        let open_string = matches!(&*e.0, rhai::ParseErrorType::BadInput(rhai::LexError::UnterminatedString));
        if eof || at_end || open_string {
            ("incomplete", "    ".repeat(open_brackets(code)))
        } else {
            ("invalid", String::new())
        }
    }

    /// Variables in scope (name, type name, value), newest last.
    pub fn variables(&self) -> Vec<(String, String, Dynamic)> {
        let mut vars: Vec<_> = self.scope.iter_raw().map(|(n, _, v)| (n.to_string(), v.type_name().to_string(), v.clone())).collect();
        vars.reverse();
        vars
    }

    /// The engine's documented functions plus those defined in cells.
    pub fn docs(&mut self) -> Vec<FnDoc> {
        let mut all = self.engine_docs().functions.clone();
        all.extend(self.cell_functions());
        all
    }

    /// The docs of the engine's functions (built on first use, then cached). The session's
    /// engine is registered without them, so they are read from a documented engine with
    /// the same functions, built here and dropped.
    pub fn engine_docs(&mut self) -> &Docs {
        self.docs.get_or_insert_with(|| {
            let mut engine = Engine::new();
            cloudbook_stdlib::register_all_with(&mut engine, &cloudbook_stdlib::new_shared(World::default()), DocMode::Attach);
            register_notebook_functions(&mut engine, &Arc::default(), DocMode::Attach);
            Docs::from_engine(&engine)
        })
    }

    /// Completes the name before `cursor` (code points) from the engine's functions, the
    /// cells' functions and the scope's variables.
    pub fn complete(&mut self, code: &str, cursor: usize) -> crate::complete::Completion {
        self.engine_docs();
        let src = crate::complete::Sources {
            variables: self.scope.iter_raw().map(|(n, _, _)| n.to_string()).collect(),
            cell_functions: self.functions.iter_functions().map(|f| f.name.to_string()).collect(),
            docs: self.docs.as_ref(),
        };
        crate::complete::complete(code, cursor, &src)
    }

    /// Functions defined in earlier cells, documented by their own `///` comments.
    pub fn cell_functions(&self) -> Vec<FnDoc> {
        self.functions
            .iter_functions()
            .map(|f| FnDoc {
                module: None,
                name: f.name.to_string(),
                signature: format!("{}({})", f.name, f.params.join(", ")),
                doc: {
                    let cell = self.fn_cells.get(f.name).map(|c| format!("(defined in {})", c.0)).unwrap_or_default();
                    let d = docs::doc_text(&f.comments);
                    if d.is_empty() { cell } else { format!("{d}\n\n{cell}") }
                },
                num_params: f.params.len(),
            })
            .collect()
    }

    /// Help for a name: a function (`kms::encrypt`, `print`, a cell's `fn`), a module
    /// (`kms`: its functions), or a variable.
    pub fn help_text(&mut self, name: &str) -> String {
        let name = name.trim();
        if name.is_empty() {
            let mods: Vec<String> = self.engine_docs().modules().into_iter().map(|m| format!("{m}::")).collect();
            return format!(
                "Cloudbook: Rhai scripts against a simulated AWS account.\n\nModules: {}\nNotebook functions: display(x), table(rows), chart(spec), clear_output(), help(\"name\")\n\nhelp(\"kms\") lists a module's functions; help(\"kms::encrypt\") shows one. Tab completes, Shift-Tab shows docs.",
                mods.join(" ")
            );
        }
        let all = self.docs();
        let found: Vec<&FnDoc> = {
            let (module, n) = match name.rsplit_once("::") {
                Some((m, n)) => (Some(m), n),
                None => (None, name),
            };
            all.iter().filter(|f| f.name == n && f.module.as_deref() == module).collect()
        };
        if !found.is_empty() {
            return docs::render_help(&found);
        }
        let module = name.trim_end_matches("::");
        let in_module: Vec<&FnDoc> = all.iter().filter(|f| f.module.as_deref() == Some(module)).collect();
        if !in_module.is_empty() {
            let mut out = format!("module {module}\n\n");
            let mut seen = std::collections::BTreeSet::new();
            for f in in_module {
                if seen.insert(&f.name) {
                    let first = f.doc.lines().next().unwrap_or("");
                    out.push_str(&format!("{module}::{:<28} {first}\n", f.name));
                }
            }
            return out.trim_end().to_string();
        }
        if let Some((_, t, v)) = self.variables().into_iter().rev().find(|(n, _, _)| n == name) {
            return format!("{name}: {t} = {}", short_value(&v));
        }
        format!("help: nothing named `{name}` (try help() for the modules)")
    }

    fn runtime_error(&self, err: &EvalAltResult, label: &str, src: &Arc<str>) -> CellError {
        // Unwrap calls into script functions: the innermost error is the cause; the frames
        // say where each call was made.
        let mut frames: Vec<(String, Position)> = Vec::new();
        let mut e = err;
        while let EvalAltResult::ErrorInFunctionCall(name, _src, inner, pos) = e {
            frames.push((name.clone(), *pos));
            e = inner;
        }
        let (ename, evalue) = describe(e);
        let mut tb = vec![format!("{ename}: {evalue}")];
        // The innermost error is in the body of the last function called (if any).
        let (where_label, where_src) = match frames.last() {
            Some((name, _)) => self.fn_cells.get(name).map(|(l, s)| (l.clone(), s.clone())).unwrap_or((label.to_string(), src.clone())),
            None => (label.to_string(), src.clone()),
        };
        let pos = e.position();
        tb.extend(locate(&where_label, &where_src, pos));
        // frames[0] was called from the cell; frames[i] from the body of frames[i - 1].
        for (i, (name, pos)) in frames.iter().enumerate().rev() {
            let site = if i == 0 { None } else { self.fn_cells.get(&frames[i - 1].0).map(|c| c.0.as_str()) };
            if let (Some(line), Some(col)) = (pos.line(), pos.position()) {
                tb.push(format!("  called from `{name}` at {} line {line}, column {col}", site.unwrap_or(label)));
            }
        }
        if let EvalAltResult::ErrorVariableNotFound(var, _) = e
            && !frames.is_empty() {
                tb.push(format!(
                    "hint: functions defined with `fn` cannot see notebook variables; pass `{var}` as a parameter, or use a closure (`|x| ...` captures it)"
                ));
            }
        if matches!(e, EvalAltResult::ErrorTerminated(..)) {
            tb.push("(interrupted: the notebook's variables are kept)".into());
        }
        CellError { ename, evalue, traceback: tb }
    }
}

impl Default for Session {
    fn default() -> Self {
        Session::new()
    }
}

/// The error a cell reports when a native function panicked (a Cloudbook bug).
fn panic_error(payload: &(dyn std::any::Any + Send), label: &str) -> CellError {
    let what = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".into());
    CellError {
        ename: "InternalError".into(),
        evalue: format!("a built-in function panicked: {what}"),
        traceback: vec![
            format!("InternalError: a built-in function panicked: {what}"),
            format!("  in {label}"),
            "(this is a bug in Cloudbook, please report it; the kernel and the notebook's variables are kept)".into(),
        ],
    }
}

/// `(ename, evalue)` for an error (no position in the text).
fn describe(e: &EvalAltResult) -> (String, String) {
    if let Some((code, msg)) = shown_aws_error(e) {
        return (code, msg);
    }
    match e {
        EvalAltResult::ErrorRuntime(v, _) => {
            if let Some(m) = v.read_lock::<rhai::Map>() {
                // Rhai's own errors caught and re-thrown arrive as #{ error, message }.
                if let Some(msg) = m.get("message") {
                    return ("RuntimeError".into(), render::plain_text(msg));
                }
            }
            ("RuntimeError".into(), render::plain_text(v))
        }
        EvalAltResult::ErrorTerminated(..) => ("KeyboardInterrupt".into(), "the cell was interrupted".into()),
        EvalAltResult::ErrorTooManyOperations(..) => (
            "TooManyOperations".into(),
            format!("the cell ran more than {MAX_OPERATIONS} operations; move heavy loops into a stdlib call or split the work"),
        ),
        EvalAltResult::ErrorStackOverflow(..) => {
            ("StackOverflow".into(), format!("functions are nested more than {MAX_CALL_LEVELS} calls deep (runaway recursion?)"))
        }
        EvalAltResult::ErrorParsing(pe, _) => ("SyntaxError".into(), pe.to_string()),
        other => {
            let kind = format!("{other:?}");
            let kind = kind.split(['(', ' ', '{']).next().unwrap_or("Error").trim_start_matches("Error");
            (if kind.is_empty() { "Error".into() } else { kind.to_string() }, without_position(&other.to_string()))
        }
    }
}

/// Rhai's message without its trailing ` (line 2, position 9)`.
fn without_position(msg: &str) -> String {
    match msg.rfind(" (line ") {
        Some(i) if msg.ends_with(')') && msg[i..].contains(", position ") => msg[..i].to_string(),
        _ => msg.to_string(),
    }
}

fn parse_error(e: &ParseError, label: &str, src: &str) -> CellError {
    let evalue = e.0.to_string();
    let mut tb = vec![format!("SyntaxError: {evalue}")];
    tb.extend(locate(label, src, e.1));
    CellError { ename: "SyntaxError".into(), evalue, traceback: tb }
}

/// The traceback lines pointing at `pos` in `src`: the source line, a caret, and `at ...`.
fn locate(label: &str, src: &str, pos: Position) -> Vec<String> {
    let (Some(line), col) = (pos.line(), pos.position().unwrap_or(1)) else {
        return vec![format!("  at {label}")];
    };
    let mut out = Vec::new();
    if let Some(text) = src.lines().nth(line - 1) {
        out.push(format!("{line:>4} | {text}"));
        out.push(format!("     | {}^", " ".repeat(col.saturating_sub(1))));
    }
    out.push(format!("  at {label} line {line}, column {col}"));
    out
}

/// How many `{`, `(`, `[` are still open at the end of `code` (outside strings and comments,
/// roughly): the indent level for the next line.
fn open_brackets(code: &str) -> usize {
    let mut depth = 0usize;
    let mut in_str: Option<char> = None;
    let mut chars = code.chars().peekable();
    while let Some(c) = chars.next() {
        match (in_str, c) {
            (Some(q), '\\') if q != '`' => {
                chars.next();
            }
            (Some(q), c) if c == q => in_str = None,
            (Some(_), _) => {}
            (None, '"' | '`' | '\'') => in_str = Some(c),
            (None, '/') if chars.peek() == Some(&'/') => {
                while chars.next().is_some_and(|c| c != '\n') {}
            }
            (None, '{' | '(' | '[') => depth += 1,
            (None, '}' | ')' | ']') => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    depth
}

/// A value in one line, cut at 200 characters.
fn short_value(v: &Dynamic) -> String {
    let s = if v.is_map() || v.is_array() {
        cloudbook_stdlib::script::convert::dynamic_to_json(v).to_string()
    } else {
        render::plain_text(v)
    };
    if s.chars().count() > 200 { format!("{}…", s.chars().take(200).collect::<String>()) } else { s }
}

/// `display`, `update_display`, `clear_output`, `eprint`, `help`: functions that need the cell's sink.
fn register_notebook_functions(engine: &mut Engine, hooks: &Arc<Mutex<Hooks>>, docs: DocMode) {
    let h = hooks.clone();
    docs.describe(FuncRegistration::new("display"), "Shows `x` now, below the cell (tables, charts, maps render richly); the cell goes on running.\n```rhai\ndisplay(table(rows));\n```", &["x: Dynamic", "()"])
        .with_volatility(true)
        .register_into_engine(engine, move |x: Dynamic| h.lock().emit(Output::Display { data: render::bundle(&x), display_id: None, update: false }));
    let h = hooks.clone();
    docs.describe(FuncRegistration::new("display"), "Shows `x` now under a display id, so `update_display(y, id)` can replace it later (a progress line, a live chart).\n```rhai\ndisplay(\"step 1\", \"progress\");\nupdate_display(\"step 2\", \"progress\");\n```", &["x: Dynamic", "id: &str", "()"])
        .with_volatility(true)
        .register_into_engine(engine, move |x: Dynamic, id: &str| {
            h.lock().emit(Output::Display { data: render::bundle(&x), display_id: Some(id.to_string()), update: false })
        });
    let h = hooks.clone();
    docs.describe(FuncRegistration::new("update_display"), "Replaces what an earlier `display(x, id)` showed.", &["x: Dynamic", "id: &str", "()"])
        .with_volatility(true)
        .register_into_engine(engine, move |x: Dynamic, id: &str| {
            h.lock().emit(Output::Display { data: render::bundle(&x), display_id: Some(id.to_string()), update: true })
        });
    let h = hooks.clone();
    docs.describe(FuncRegistration::new("clear_output"), "Clears this cell's output so far. With `wait = true` the clearing happens when the next output arrives (no flicker).", &["wait: bool", "()"])
        .with_volatility(true)
        .register_into_engine(engine, move |wait: bool| h.lock().emit(Output::ClearOutput { wait }));
    let h = hooks.clone();
    docs.describe(FuncRegistration::new("clear_output"), "Clears this cell's output so far.", &["()"])
        .with_volatility(true)
        .register_into_engine(engine, move || h.lock().emit(Output::ClearOutput { wait: false }));
    let h = hooks.clone();
    docs.describe(FuncRegistration::new("eprint"), "Prints `x` to the cell's stderr stream (shown in red by most front ends).", &["x: Dynamic", "()"])
        .with_volatility(true)
        .register_into_engine(engine, move |x: Dynamic| {
            h.lock().emit(Output::Stream { name: StreamName::Stderr, text: format!("{}\n", render::plain_text(&x)) })
        });
    let h = hooks.clone();
    docs.describe(FuncRegistration::new("help"), "Shows the documentation of a function, a module or a variable in the pager.\n```rhai\nhelp(\"kms::encrypt\")\nhelp(\"clock\")\n```", &["name: &str", "()"])
        .with_volatility(true)
        .register_into_engine(engine, move |name: &str| h.lock().help.push(name.to_string()));
    let h = hooks.clone();
    docs.describe(FuncRegistration::new("help"), "An overview of Cloudbook's modules and notebook functions.", &["()"])
        .with_volatility(true)
        .register_into_engine(engine, move || h.lock().help.push(String::new()));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs cells on an engine thread and collects everything they produced.
    fn run(cells: &[&str]) -> Vec<(Vec<Output>, CellResult)> {
        let cells: Vec<String> = cells.iter().map(|s| s.to_string()).collect();
        spawn_engine_thread("test", move || {
            let mut s = Session::new();
            cells
                .iter()
                .map(|c| {
                    let outs = Arc::new(Mutex::new(Vec::new()));
                    let o = outs.clone();
                    let r = s.execute(c, true, Box::new(move |x| o.lock().push(x)));
                    let v = outs.lock().clone();
                    (v, r)
                })
                .collect()
        })
        .join()
        .unwrap()
    }

    fn text(r: &CellResult) -> String {
        r.value.as_ref().map(|b| b["text/plain"].as_str().unwrap().to_string()).unwrap_or_default()
    }

    #[test]
    fn variables_and_functions_persist_across_cells() {
        let r = run(&["let x = 40;", "fn add2(n) { n + 2 }", "add2(x)"]);
        assert_eq!(r[0].1.value, None, "a let statement has no value");
        assert_eq!(text(&r[2].1), "42");
    }

    #[test]
    fn print_and_debug_stream_to_stdout_and_stderr() {
        let r = run(&[r#"print("hello, world"); debug("dbg"); eprint("err"); 1"#]);
        let outs = &r[0].0;
        assert_eq!(outs[0], Output::Stream { name: StreamName::Stdout, text: "hello, world\n".into() });
        assert_eq!(outs[1], Output::Stream { name: StreamName::Stderr, text: "\"dbg\"\n".into() });
        assert_eq!(outs[2], Output::Stream { name: StreamName::Stderr, text: "err\n".into() });
        assert_eq!(text(&r[0].1), "1");
    }

    #[test]
    fn rerunning_let_does_not_grow_the_scope() {
        let cells = ["let x = 1;", "let x = 2; let y = x;", "let x = 3;", "x + y"];
        let out = spawn_engine_thread("t", move || {
            let mut s = Session::new();
            for c in cells {
                s.execute(c, true, Box::new(|_| {}));
            }
            s.variables()
        })
        .join()
        .unwrap();
        let names: Vec<&str> = out.iter().map(|v| v.0.as_str()).collect();
        assert_eq!(names, ["y", "x"]);
        assert_eq!(out[1].2.as_int().unwrap(), 3);
    }

    #[test]
    fn cells_cannot_read_the_wall_clock() {
        // Rhai's `timestamp()` reads the host's clock; it is compiled out (`no_time`) so the
        // same notebook gives the same outputs. The simulated clock is `clock::now()`.
        let r = run(&["timestamp()", "clock::now()"]);
        let e = r[0].1.error.as_ref().expect("timestamp() is not a function");
        assert_eq!(e.ename, "FunctionNotFound", "{e:?}");
        assert_eq!(text(&r[1].1), "2026-01-01T00:00:00Z");
    }

    #[test]
    fn errors_carry_cell_line_and_column() {
        let r = run(&["let a = 1;\nlet b = nope + 1;"]);
        let e = r[0].1.error.as_ref().unwrap();
        assert_eq!(e.ename, "VariableNotFound");
        assert_eq!(e.evalue, "Variable not found: nope");
        assert_eq!(e.traceback[1], "   2 | let b = nope + 1;");
        assert_eq!(e.traceback[2], "     |         ^");
        assert_eq!(e.traceback[3], "  at In [1] line 2, column 9");
    }

    #[test]
    fn syntax_errors_are_reported_with_position() {
        let r = run(&["let x = ;"]);
        let e = r[0].1.error.as_ref().unwrap();
        assert_eq!(e.ename, "SyntaxError");
        assert!(e.traceback.last().unwrap().starts_with("  at In [1] line 1, column"), "{:?}", e.traceback);
    }

    #[test]
    fn aws_errors_show_code_and_message() {
        let r = run(&[r#"clock::advance("-5s")"#]);
        let e = r[0].1.error.as_ref().unwrap();
        assert_eq!(e.ename, "ValidationException");
        assert_eq!(e.traceback[0], format!("ValidationException: {}", e.evalue));
        assert!(e.traceback.iter().any(|l| l == "  at In [1] line 1, column 8"), "{:?}", e.traceback);
    }

    #[test]
    fn errors_inside_earlier_functions_point_at_their_cell() {
        let r = run(&["let limit = 3;", "fn check(n) {\n  n > limit\n}", "check(5)"]);
        let e = r[2].1.error.as_ref().unwrap();
        assert_eq!(e.evalue, "Variable not found: limit");
        assert!(e.traceback.contains(&"  at In [2] line 2, column 7".to_string()), "{:?}", e.traceback);
        assert!(e.traceback.contains(&"  called from `check` at In [3] line 1, column 1".to_string()), "{:?}", e.traceback);
        assert!(e.traceback.last().unwrap().starts_with("hint: functions defined with `fn` cannot see notebook variables"));
    }

    #[test]
    fn deep_recursion_is_an_error_not_a_crash() {
        let r = run(&["fn f(n) { f(n + 1) }", "f(0)", "1 + 1"]);
        let e = r[1].1.error.as_ref().unwrap();
        assert_eq!(e.ename, "StackOverflow");
        assert_eq!(text(&r[2].1), "2", "the session survives");
    }

    #[test]
    fn sizes_are_limited() {
        let r = run(&[r#"let s = "x"; loop { s += s; }"#]);
        assert_eq!(r[0].1.error.as_ref().unwrap().ename, "DataTooLarge");
    }

    #[test]
    fn nested_maps_in_functions_compile() {
        let code = "fn batch() { #{ Changes: [#{ Action: \"CREATE\", ResourceRecordSet: #{ Name: \"a\", ResourceRecords: [#{ Value: \"1\" }] } }] } }\nbatch().Changes[0].ResourceRecordSet.ResourceRecords[0].Value";
        assert_eq!(text(&run(&[code])[0].1), "1");
    }

    #[test]
    fn scripts_cannot_import_files() {
        let r = run(&[r#"import "/etc/passwd" as p;"#]);
        assert_eq!(r[0].1.error.as_ref().unwrap().ename, "ModuleNotFound");
    }

    #[test]
    fn interrupt_stops_a_loop_and_keeps_the_scope() {
        let out = spawn_engine_thread("t", || {
            let mut s = Session::new();
            s.execute("let kept = 7;", true, Box::new(|_| {}));
            let flag = s.interrupt_flag();
            let t = std::thread::spawn(move || {
                std::thread::sleep(std::time::Duration::from_millis(50));
                flag.store(true, Ordering::Relaxed);
            });
            let r = s.execute("loop { }", true, Box::new(|_| {}));
            t.join().unwrap();
            let after = s.execute("kept", true, Box::new(|_| {}));
            (r, after)
        })
        .join()
        .unwrap();
        assert_eq!(out.0.error.as_ref().unwrap().ename, "KeyboardInterrupt");
        assert_eq!(text(&out.1), "7");
    }

    #[test]
    fn display_clear_and_help() {
        let r = run(&[r#"display(#{ a: 1 }); display("x", "p"); update_display("y", "p"); clear_output(true); help("clock::now"); ()"#]);
        let outs = &r[0].0;
        assert_eq!(outs[0], Output::Display { data: render::bundle(&Dynamic::from_map([("a".into(), 1_i64.into())].into_iter().collect())), display_id: None, update: false });
        assert!(matches!(&outs[2], Output::Display { display_id: Some(id), update: true, .. } if id == "p"));
        assert_eq!(outs[3], Output::ClearOutput { wait: true });
        let page = r[0].1.pages[0]["text/plain"].as_str().unwrap();
        assert!(page.starts_with("clock::now() -> String\n\nThe simulated time, ISO-8601 UTC."), "{page}");
    }

    #[test]
    fn help_for_modules_variables_and_cell_functions() {
        let out = spawn_engine_thread("t", || {
            let mut s = Session::new();
            s.execute("let answer = 42;\n/// Doubles.\nfn twice(n) { n * 2 }", true, Box::new(|_| {}));
            (s.help_text("clock"), s.help_text("answer"), s.help_text("twice"), s.help_text("zzz"))
        })
        .join()
        .unwrap();
        assert!(out.0.starts_with("module clock\n\nclock::advance"), "{}", out.0);
        assert_eq!(out.1, "answer: i64 = 42");
        assert_eq!(out.2, "twice(n)\n\nDoubles.\n\n(defined in In [1])");
        assert_eq!(out.3, "help: nothing named `zzz` (try help() for the modules)");
    }

    #[test]
    fn completeness_from_the_parser() {
        let s = spawn_engine_thread("t", || {
            let s = Session::new();
            let cases = [
                "let x = 1;", "1 + 1", "fn f(x) { x }", "print(\"a\")", "",
                "fn f(x) {", "let m = #{ a: 1,", "print(", "if x {\n  let y = [1,", "let s = `multi\nline",
                "let = 5;", "1 +* 2", "fn (", "let x = 1; }",
            ];
            cases.iter().map(|c| (c.to_string(), s.is_complete(c))).collect::<Vec<_>>()
        })
        .join()
        .unwrap();
        let status: Vec<(&str, &str)> = s.iter().map(|(c, (st, _))| (c.as_str(), *st)).collect();
        for (c, st) in &status[..5] {
            assert_eq!(*st, "complete", "{c:?}");
        }
        for (c, st) in &status[5..10] {
            assert_eq!(*st, "incomplete", "{c:?}");
        }
        for (c, st) in &status[10..] {
            assert_eq!(*st, "invalid", "{c:?}");
        }
        assert_eq!(s[5].1.1, "    ");
        assert_eq!(s[8].1.1, "        ");
    }

    #[test]
    fn docs_come_from_a_documented_twin_of_the_undocumented_engine() {
        let (lean, documented) = spawn_engine_thread("t", || {
            let mut s = Session::new();
            let lean = Docs::from_engine(&s.engine);
            (lean, s.engine_docs().clone())
        })
        .join()
        .unwrap();
        // The engine that runs cells carries no doc text ...
        let encrypt = lean.lookup("kms::encrypt");
        assert!(!encrypt.is_empty() && encrypt.iter().all(|f| f.doc.is_empty()), "{encrypt:?}");
        // ... its twin documents the same functions (module, name, arity), no more, no fewer.
        // (`test_native_panic` is a test build's extra, registered on the session only.)
        let key = |d: &Docs| d.functions.iter().filter(|f| f.name != "test_native_panic").map(|f| (f.module.clone(), f.name.clone(), f.num_params)).collect::<std::collections::BTreeSet<_>>();
        let (lean_fns, documented_fns) = (key(&lean), key(&documented));
        assert_eq!(lean_fns.symmetric_difference(&documented_fns).collect::<Vec<_>>(), Vec::<&(Option<String>, String, usize)>::new());
        assert!(documented.functions.len() > 1000, "{}", documented.functions.len());
        let encrypt = documented.lookup("kms::encrypt");
        assert!(encrypt.iter().any(|f| f.signature == "encrypt(params: Map) -> Map" && f.doc.contains("AWS operation: Encrypt")), "{encrypt:?}");
        assert!(documented.lookup("display").iter().all(|f| f.doc.starts_with("Shows `x` now")));
    }

    #[test]
    fn history_records_inputs_and_text_outputs() {
        let out = spawn_engine_thread("t", || {
            let mut s = Session::new();
            s.execute("1 + 1", true, Box::new(|_| {}));
            s.execute("let q = 1;", false, Box::new(|_| {}));
            s.execute("print(1)", true, Box::new(|_| {}));
            s.history().iter().map(|h| (h.count, h.input.clone(), h.output.clone())).collect::<Vec<_>>()
        })
        .join()
        .unwrap();
        assert_eq!(out, vec![(1, "1 + 1".into(), Some("2".into())), (2, "print(1)".into(), None)]);
    }

    // ---- cell abuse (issue 10): limits, panics, atomic failures ----

    #[test]
    fn exponential_array_growth_hits_the_array_limit() {
        let r = run(&["let a = [0]; let n = 0; loop { a += a; n += 1; }", "n", "40 + 2"]);
        let e = r[0].1.error.as_ref().unwrap();
        assert_eq!(e.ename, "DataTooLarge", "{e:?}");
        assert!(e.evalue.to_lowercase().contains("array"), "a clear message: {}", e.evalue);
        // 2^n elements pass 10,000,000 between 2^23 and 2^24. Rhai checks an array's size
        // when the grown value is next assigned, so the loop stops at the doubling after
        // the one that crossed (measured: n = 24): growth is bounded at 2^24 elements.
        let n: i64 = text(&r[1].1).parse().unwrap();
        assert!((23..=24).contains(&n), "stopped after {n} doublings");
        assert_eq!(text(&r[2].1), "42", "the session survives");
    }

    #[test]
    fn string_growth_error_names_the_limit() {
        let r = run(&[r#"let s = "ab"; let n = 0; loop { s += s; n += 1; }"#, "n"]);
        let e = r[0].1.error.as_ref().unwrap();
        assert_eq!(e.ename, "DataTooLarge");
        assert!(e.evalue.to_lowercase().contains("string"), "{}", e.evalue);
        // 2 * 2^n bytes must pass 64 MiB (2^26) and stop there: n = 25 doublings succeeded
        assert_eq!(text(&r[1].1), "25");
    }

    #[test]
    fn mutual_recursion_and_deep_nesting_are_errors_not_crashes() {
        let deep_parens = format!("{}1{}", "(".repeat(5_000), ")".repeat(5_000));
        let deep_arrays = format!("{}{}", "[".repeat(5_000), "]".repeat(5_000));
        let r = run(&["fn ping(n) { pong(n + 1) }\nfn pong(n) { ping(n + 1) }", "ping(0)", &deep_parens, &deep_arrays, "1 + 1"]);
        assert_eq!(r[1].1.error.as_ref().unwrap().ename, "StackOverflow");
        for i in [2, 3] {
            let e = r[i].1.error.as_ref().expect("too deep to parse");
            assert_eq!(e.ename, "SyntaxError", "{e:?}");
        }
        assert_eq!(text(&r[4].1), "2");
    }

    #[test]
    fn a_panic_in_a_native_function_is_caught_and_reported() {
        let r = run(&[
            "let kept = 7;",
            r#"let before = 1; test_native_panic("injected bug"); 2"#,
            // the world's lock was held while panicking: it must not be poisoned or stuck
            r#"iam::create_user(#{ UserName: "after-panic" }).User.UserName"#,
            "kept + before",
            r#"kept + test_native_panic("again")"#,
        ]);
        let e = r[1].1.error.as_ref().expect("the panic is the cell's error");
        assert_eq!(e.ename, "InternalError");
        assert_eq!(e.evalue, "a built-in function panicked: injected bug");
        assert_eq!(e.traceback[1], "  in In [2]");
        assert_eq!(text(&r[2].1), "after-panic");
        assert_eq!(text(&r[3].1), "8", "variables (even from the cell that panicked) are kept");
        assert_eq!(r[4].1.error.as_ref().unwrap().ename, "InternalError", "again and again");
    }

    #[test]
    fn a_panic_in_a_user_expression_is_caught() {
        let out = spawn_engine_thread("t", || {
            let mut s = Session::new();
            let e = s.evaluate(r#"test_native_panic("expr")"#).unwrap_err();
            (e, s.evaluate("6 * 7").unwrap())
        })
        .join()
        .unwrap();
        assert_eq!(out.0.ename, "InternalError");
        assert_eq!(out.1["text/plain"], "42");
    }

    /// The saved world minus the audit trail and the random stream (a failed call records
    /// one event and may draw a request id; nothing else may change).
    fn state(s: &Session) -> (serde_json::Value, usize) {
        let mut v = s.shared().lock().save();
        let events = v["trail"]["events"].as_array().map(Vec::len).unwrap();
        let m = v.as_object_mut().unwrap();
        m.remove("trail");
        m.remove("rng");
        (v, events)
    }

    #[test]
    fn a_failed_aws_call_midway_through_a_cell_changes_nothing() {
        // design.md: "every op authorizes first, validates, then mutates (a failed call
        // changes no state)". Each failing cell first does a successful call; the world after
        // the cell equals the world right after that call.
        let setup = r#"
            let key = kms::create_key().KeyMetadata.KeyId;
            iam::create_user(#{ UserName: "alice" });
            iam::create_access_key(#{ UserName: "alice" });
            s3::create_bucket(#{ Bucket: "atomic-bucket" });
            s3::put_object(#{ Bucket: "atomic-bucket", Key: "k", Body: "v" });
            kms::disable_key(#{ KeyId: key });
        "#;
        let failing = [
            ("kms::encrypt(#{ KeyId: key, Plaintext: \"x\" })", "DisabledException"),
            ("iam::create_user(#{ UserName: \"alice\" })", "EntityAlreadyExists"),
            ("iam::delete_user(#{ UserName: \"alice\" })", "DeleteConflict"),
            ("kms::schedule_key_deletion(#{ KeyId: key, PendingWindowInDays: 3 })", "ValidationException"),
            ("s3::delete_bucket(#{ Bucket: \"atomic-bucket\" })", "BucketNotEmpty"),
            ("s3::put_object(#{ Bucket: \"no-such-bucket-here\", Key: \"k\", Body: \"v\" })", "NoSuchBucket"),
        ];
        let results = spawn_engine_thread("t", move || {
            let mut s = Session::new();
            let r = s.execute(setup, true, Box::new(|_| {}));
            assert!(r.error.is_none(), "{:?}", r.error);
            failing
                .iter()
                .enumerate()
                .map(|(i, (op, code))| {
                    s.execute(&format!("iam::create_group(#{{ GroupName: \"g{i}\" }});"), true, Box::new(|_| {}));
                    let (before, n) = state(&s);
                    let r = s.execute(&format!("{op};\nlet not_reached = 1;"), true, Box::new(|_| {}));
                    let (after, m) = state(&s);
                    (op.to_string(), code.to_string(), r.error.map(|e| e.ename), before == after, m - n)
                })
                .collect::<Vec<_>>()
        })
        .join()
        .unwrap();
        for (op, code, ename, unchanged, events) in results {
            assert_eq!(ename.as_deref(), Some(code.as_str()), "{op}");
            assert!(unchanged, "{op} changed the world");
            assert_eq!(events, 1, "{op}: one audit event for the failed call");
        }
    }
}
