//! `orm import prisma`: Rust model source for our derive from a Prisma schema (`schema.prisma`).
//!
//! A hand-written tokenizer and parser for the Prisma schema language (`model`, `enum`,
//! `datasource` and `generator` blocks, `//` comments and `///` documentation), and a renderer that
//! maps every construct to the derive's attributes so that the models describe the database Prisma
//! creates for the same schema: Prisma's table, column, enum and constraint names, its column
//! types per provider, its referential actions, and no index on foreign keys. A construct the
//! derive cannot express is an error naming its line, never left out.

use super::pull::{KEYWORDS, pascal};
use std::fmt::{self, Write};

use orm_core::__migrate::native::{kind_type, normalize_type, parse_type, render_type};
use orm_core::sql::{Backend, Dialect};
use orm_core::types::ScalarKind;

/// Why a Prisma schema could not be imported: where (line and column, from 1) and what.
///
/// Syntax errors point at the offending token; unsupported constructs at the field, attribute or
/// block that uses them.
///
/// ```
/// use orm_runtime::migrate::import_prisma;
/// use orm_runtime::sql::Dialect;
///
/// let schema = "model User {\n  id String @id @default(dbgenerated(\"gen_random_uuid()\"))\n}\n";
/// let err = import_prisma(schema, Dialect::POSTGRES).unwrap_err();
/// assert_eq!((err.line, err.column), (2, 26));
/// assert!(err.message.contains("dbgenerated"));
/// assert!(err.to_string().starts_with("line 2, column 26: "));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PrismaImportError {
    /// The line, from 1.
    pub line: usize,
    /// The column, from 1, in characters.
    pub column: usize,
    /// What is wrong, and what to do where something can be done.
    pub message: String,
}

impl fmt::Display for PrismaImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.column, self.message
        )
    }
}

impl std::error::Error for PrismaImportError {}

type Result<T> = std::result::Result<T, PrismaImportError>;

fn err<T>(pos: Pos, message: impl Into<String>) -> Result<T> {
    Err(PrismaImportError {
        line: pos.line,
        column: pos.col,
        message: message.into(),
    })
}

/// The dialect the `datasource` block of a Prisma schema names (`provider = "postgresql"`,
/// `"mysql"` or `"sqlite"`), or `None` when the schema has no datasource.
///
/// A provider the ORM does not run on (`sqlserver`, `mongodb`, `cockroachdb`), or one that is not a
/// string literal, is an error naming its line.
///
/// ```
/// use orm_runtime::migrate::prisma_dialect;
/// use orm_runtime::sql::Dialect;
///
/// let schema = "datasource db {\n  provider = \"mysql\"\n  url = env(\"DATABASE_URL\")\n}\n";
/// assert_eq!(prisma_dialect(schema).unwrap(), Some(Dialect::MYSQL));
/// assert_eq!(prisma_dialect("model A {\n  id Int @id\n}\n").unwrap(), None);
/// assert!(prisma_dialect("datasource db {\n  provider = \"mongodb\"\n}\n").is_err());
/// ```
pub fn prisma_dialect(source: &str) -> std::result::Result<Option<Dialect>, PrismaImportError> {
    let ast = parse(source)?;
    datasource(&ast).map(|ds| ds.map(|(d, _)| d))
}

/// Rust source for the models and enums of a Prisma schema, for `#[derive(Model)]` and
/// `#[derive(DbEnum)]`, with a `pub fn schema() -> Schema` listing every model; the models
/// describe the database Prisma creates for the schema on `dialect`.
///
/// - Names: fields in snake_case with `column = ".."` where the column (`@map`, else the field
///   name) differs; tables from `@@map`, else the model name; enum types from `@@map`, else the
///   enum name, with each value's `@map`.
/// - Types as Prisma creates them on `dialect`, with `db_type` where the derive's default differs
///   (`DateTime` is `timestamp(3)` on PostgreSQL, `datetime(3)` on MySQL; `String` is `text` on
///   PostgreSQL, `varchar(191)` on MySQL); `@db.*` native types the derive's column types can hold.
/// - Keys: `@id`/`@@id`, `@unique`/`@@unique`, `@@index`, `@@fulltext`; `@default(cuid() | uuid()
///   | autoincrement() | now() | literal | enum value)`, `@updatedAt`.
/// - Relations: `belongs_to` on the side with `fields:`/`references:`, with Prisma's referential
///   actions spelled out (`onDelete` `Restrict` when required, `SetNull` when optional; `onUpdate`
///   `Cascade`) and `index = false` where no key starts with the foreign key (Prisma creates no
///   such index); `has_many`/`has_one` on the other side, with `inverse = ..` where several
///   relations join the same models. An implicit many-to-many relation becomes the relation table
///   Prisma creates (`_CategoryToPost` with columns `A` and `B`) as a model of its own, and each
///   side a `has_many` of it.
/// - `///` documentation is carried onto the generated items.
///
/// What the derive cannot express is an error naming the line: scalar lists, composite types,
/// views, `Unsupported(..)` types, `@default(dbgenerated(..))` and other database-generated
/// defaults, composite foreign keys, relations that reference anything but the primary key,
/// custom constraint names (`map:`), index options (`sort:`, `length:`, `type:`), `@ignore`,
/// multi-schema, `relationMode = "prisma"`, unknown attributes. Prisma's `cuid()` ids are
/// generated by the derive's `cuid` (a CUID2 of 24 characters, where Prisma's `cuid()` makes a
/// 25-character CUID v1); both are made by the client, so the database is the same.
///
/// ```
/// use orm_runtime::migrate::import_prisma;
/// use orm_runtime::sql::Dialect;
///
/// let schema = r#"
/// datasource db {
///   provider = "postgresql"
///   url      = env("DATABASE_URL")
/// }
///
/// /// A user account.
/// model User {
///   id        String   @id @default(cuid())
///   email     String   @unique
///   createdAt DateTime @default(now())
///   posts     Post[]
///   @@map("users")
/// }
///
/// model Post {
///   id       Int    @id @default(autoincrement())
///   title    String @db.VarChar(200)
///   authorId String
///   author   User   @relation(fields: [authorId], references: [id], onDelete: Cascade)
/// }
/// "#;
/// let source = import_prisma(schema, Dialect::POSTGRES).unwrap();
/// assert!(source.contains("/// A user account.\n#[derive(Model, Debug, Clone, PartialEq)]\n#[orm(table = \"users\")]\npub struct User {"));
/// assert!(source.contains("#[orm(column = \"createdAt\", db_type = \"timestamp(3)\", default = now)]\n    pub created_at: chrono::NaiveDateTime,"));
/// assert!(source.contains("#[orm(db_type = \"VARCHAR(200)\")]\n    pub title: String,"));
/// assert!(source.contains("#[orm(belongs_to(fk = author_id, on_delete = Cascade, on_update = Cascade, index = false))]\n    pub author: BelongsTo<User>,"));
/// assert!(source.contains("#[orm(has_many)]\n    pub posts: HasMany<Post>,"));
/// assert!(source.contains("pub fn schema() -> orm_runtime::Schema {"));
/// ```
pub fn import_prisma(
    source: &str,
    dialect: Dialect,
) -> std::result::Result<String, PrismaImportError> {
    let ast = parse(source)?;
    datasource(&ast)?;
    Ok(Importer::new(&ast, dialect)?.render())
}

// ---------------------------------------------------------------------------------------------
// Tokens

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Pos {
    line: usize,
    col: usize,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Str(String),
    Num(String),
    Punct(char),
    At,
    AtAt,
    Doc(String),
    Newline,
    Eof,
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    pos: Pos,
}

fn describe(t: &Tok) -> String {
    match t {
        Tok::Ident(s) => format!("`{s}`"),
        Tok::Str(s) => format!("the string {s:?}"),
        Tok::Num(n) => format!("`{n}`"),
        Tok::Punct(c) => format!("`{c}`"),
        Tok::At => "`@`".into(),
        Tok::AtAt => "`@@`".into(),
        Tok::Doc(_) => "a `///` comment".into(),
        Tok::Newline => "the end of the line".into(),
        Tok::Eof => "the end of the file".into(),
    }
}

fn tokenize(src: &str) -> Result<Vec<Token>> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let (mut i, mut line, mut col) = (0usize, 1usize, 1usize);
    while i < chars.len() {
        let c = chars[i];
        let pos = Pos { line, col };
        let next = chars.get(i + 1).copied();
        match c {
            '\n' => {
                out.push(Token {
                    tok: Tok::Newline,
                    pos,
                });
                i += 1;
                line += 1;
                col = 1;
            }
            ' ' | '\t' | '\r' | '\u{feff}' => {
                i += 1;
                col += 1;
            }
            '/' if next == Some('/') => {
                let start = i;
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                    col += 1;
                }
                let text: String = chars[start..i].iter().collect();
                if let Some(doc) = text.strip_prefix("///") {
                    out.push(Token {
                        tok: Tok::Doc(doc.trim().to_owned()),
                        pos,
                    });
                }
            }
            '"' => {
                let mut s = String::new();
                i += 1;
                col += 1;
                loop {
                    match chars.get(i).copied() {
                        None | Some('\n') => {
                            return err(pos, "unterminated string: add the closing `\"`");
                        }
                        Some('"') => {
                            i += 1;
                            col += 1;
                            break;
                        }
                        Some('\\') => {
                            let escaped = match chars.get(i + 1).copied() {
                                Some('"') => '"',
                                Some('\\') => '\\',
                                Some('n') => '\n',
                                Some('t') => '\t',
                                Some('r') => '\r',
                                _ => {
                                    return err(
                                        Pos { line, col },
                                        "unknown escape in a string: write `\\\"`, `\\\\`, `\\n`, `\\t` or `\\r`",
                                    );
                                }
                            };
                            s.push(escaped);
                            i += 2;
                            col += 2;
                        }
                        Some(ch) => {
                            s.push(ch);
                            i += 1;
                            col += 1;
                        }
                    }
                }
                out.push(Token {
                    tok: Tok::Str(s),
                    pos,
                });
            }
            '@' => {
                let (tok, n) = if next == Some('@') {
                    (Tok::AtAt, 2)
                } else {
                    (Tok::At, 1)
                };
                out.push(Token { tok, pos });
                i += n;
                col += n;
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                let start = i;
                while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                    i += 1;
                    col += 1;
                }
                out.push(Token {
                    tok: Tok::Ident(chars[start..i].iter().collect()),
                    pos,
                });
            }
            c if c.is_ascii_digit() || (c == '-' && next.is_some_and(|n| n.is_ascii_digit())) => {
                let start = i;
                i += 1;
                col += 1;
                while i < chars.len()
                    && (chars[i].is_ascii_alphanumeric()
                        || chars[i] == '.'
                        || ((chars[i] == '-' || chars[i] == '+')
                            && matches!(chars[i - 1], 'e' | 'E')))
                {
                    i += 1;
                    col += 1;
                }
                out.push(Token {
                    tok: Tok::Num(chars[start..i].iter().collect()),
                    pos,
                });
            }
            '{' | '}' | '(' | ')' | '[' | ']' | ',' | ':' | '=' | '?' | '.' => {
                out.push(Token {
                    tok: Tok::Punct(c),
                    pos,
                });
                i += 1;
                col += 1;
            }
            other => return err(pos, format!("unexpected character `{other}`")),
        }
    }
    out.push(Token {
        tok: Tok::Eof,
        pos: Pos { line, col },
    });
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Syntax tree

#[derive(Debug, Clone)]
struct Expr {
    kind: ExprKind,
    pos: Pos,
}

#[derive(Debug, Clone)]
enum ExprKind {
    Str(String),
    Num(String),
    Ident(String),
    Call(String, Vec<Arg>),
    Array(Vec<Expr>),
}

#[derive(Debug, Clone)]
struct Arg {
    name: Option<String>,
    value: Expr,
    pos: Pos,
}

/// `@name(args)` or `@@name(args)`; `name` may be dotted (`db.VarChar`).
#[derive(Debug, Clone)]
struct Attr {
    name: String,
    args: Vec<Arg>,
    pos: Pos,
    block: bool,
}

impl Attr {
    fn display(&self) -> String {
        format!("{}{}", if self.block { "@@" } else { "@" }, self.name)
    }
}

#[derive(Debug, Clone)]
struct FieldAst {
    name: String,
    pos: Pos,
    ty: String,
    optional: bool,
    list: bool,
    attrs: Vec<Attr>,
    docs: Vec<String>,
}

#[derive(Debug, Clone)]
struct ModelAst {
    name: String,
    pos: Pos,
    fields: Vec<FieldAst>,
    attrs: Vec<Attr>,
    docs: Vec<String>,
}

#[derive(Debug, Clone)]
struct EnumValueAst {
    name: String,
    pos: Pos,
    attrs: Vec<Attr>,
    docs: Vec<String>,
}

#[derive(Debug, Clone)]
struct EnumAst {
    name: String,
    pos: Pos,
    values: Vec<EnumValueAst>,
    attrs: Vec<Attr>,
    docs: Vec<String>,
}

#[derive(Debug, Clone)]
struct ConfigAst {
    pos: Pos,
    entries: Vec<(String, Pos, Expr)>,
}

#[derive(Debug, Default)]
struct Ast {
    models: Vec<ModelAst>,
    enums: Vec<EnumAst>,
    datasources: Vec<ConfigAst>,
}

fn parse(source: &str) -> Result<Ast> {
    let mut p = Parser {
        toks: tokenize(source)?,
        pos: 0,
    };
    p.schema()
}

struct Parser {
    toks: Vec<Token>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> &Token {
        &self.toks[self.pos]
    }

    fn peek_at(&self, n: usize) -> &Tok {
        &self.toks[(self.pos + n).min(self.toks.len() - 1)].tok
    }

    fn bump(&mut self) -> Token {
        let t = self.toks[self.pos].clone();
        if self.pos + 1 < self.toks.len() {
            self.pos += 1;
        }
        t
    }

    fn unexpected<T>(&self, expected: &str) -> Result<T> {
        let t = self.peek();
        err(
            t.pos,
            format!("expected {expected}, found {}", describe(&t.tok)),
        )
    }

    fn skip_newlines(&mut self) {
        while self.peek().tok == Tok::Newline {
            self.bump();
        }
    }

    fn ident(&mut self, expected: &str) -> Result<(String, Pos)> {
        match &self.peek().tok {
            Tok::Ident(s) => {
                let s = s.clone();
                let pos = self.bump().pos;
                Ok((s, pos))
            }
            _ => self.unexpected(expected),
        }
    }

    fn punct(&mut self, c: char, expected: &str) -> Result<Pos> {
        if self.peek().tok == Tok::Punct(c) {
            Ok(self.bump().pos)
        } else {
            self.unexpected(expected)
        }
    }

    fn schema(&mut self) -> Result<Ast> {
        let mut ast = Ast::default();
        let mut docs: Vec<String> = Vec::new();
        loop {
            match self.peek().tok.clone() {
                Tok::Newline => {
                    self.bump();
                }
                Tok::Doc(d) => {
                    docs.push(d);
                    self.bump();
                }
                Tok::Eof => return Ok(ast),
                Tok::Ident(kw) => {
                    let pos = self.peek().pos;
                    match kw.as_str() {
                        "model" => {
                            self.bump();
                            let m = self.model(std::mem::take(&mut docs))?;
                            ast.models.push(m);
                        }
                        "enum" => {
                            self.bump();
                            let e = self.enum_block(std::mem::take(&mut docs))?;
                            ast.enums.push(e);
                        }
                        "datasource" | "generator" => {
                            self.bump();
                            docs.clear();
                            let c = self.config(pos)?;
                            if kw == "datasource" {
                                ast.datasources.push(c);
                            }
                        }
                        "type" => {
                            return err(
                                pos,
                                "composite types (`type X { .. }`) are not supported: they exist on MongoDB only, and the derive maps relational tables; make it a model with a relation",
                            );
                        }
                        "view" => {
                            return err(
                                pos,
                                "views (`view X { .. }`) are not supported: the derive maps tables",
                            );
                        }
                        _ => {
                            return self.unexpected("`model`, `enum`, `datasource` or `generator`");
                        }
                    }
                }
                _ => return self.unexpected("`model`, `enum`, `datasource` or `generator`"),
            }
        }
    }

    fn open_block(&mut self, what: &str) -> Result<(String, Pos)> {
        let (name, pos) = self.ident(&format!("the name of the {what}"))?;
        self.punct('{', &format!("`{{` after `{what} {name}`"))?;
        Ok((name, pos))
    }

    /// The rest of a line after a field, value or attribute: a trailing `///` comment is its
    /// documentation.
    fn end_of_line(&mut self, docs: &mut Vec<String>) -> Result<()> {
        if let Tok::Doc(d) = &self.peek().tok {
            docs.push(d.clone());
            self.bump();
        }
        match self.peek().tok {
            Tok::Newline => {
                self.bump();
                Ok(())
            }
            Tok::Punct('}') | Tok::Eof => Ok(()),
            _ => self.unexpected("the end of the line"),
        }
    }

    fn model(&mut self, docs: Vec<String>) -> Result<ModelAst> {
        let (name, pos) = self.open_block("model")?;
        let mut m = ModelAst {
            name,
            pos,
            fields: Vec::new(),
            attrs: Vec::new(),
            docs,
        };
        let mut pending: Vec<String> = Vec::new();
        loop {
            match self.peek().tok.clone() {
                Tok::Newline => {
                    self.bump();
                }
                Tok::Doc(d) => {
                    pending.push(d);
                    self.bump();
                }
                Tok::Punct('}') => {
                    self.bump();
                    return Ok(m);
                }
                Tok::AtAt => {
                    pending.clear();
                    let a = self.attr()?;
                    m.attrs.push(a);
                    self.end_of_line(&mut Vec::new())?;
                }
                Tok::Ident(_) => {
                    let mut f = self.field(std::mem::take(&mut pending))?;
                    self.end_of_line(&mut f.docs)?;
                    m.fields.push(f);
                }
                Tok::Eof => {
                    return err(m.pos, format!("`model {}` is not closed: add `}}`", m.name));
                }
                _ => return self.unexpected("a field, a `@@` attribute or `}`"),
            }
        }
    }

    fn field(&mut self, docs: Vec<String>) -> Result<FieldAst> {
        let (name, pos) = self.ident("a field name")?;
        let (ty, ty_pos) = self.ident(&format!("the type of field `{name}`"))?;
        if ty == "Unsupported" && self.peek().tok == Tok::Punct('(') {
            return err(
                ty_pos,
                format!(
                    "field `{name}`: `Unsupported(..)` types are not supported: the derive has no column type for them"
                ),
            );
        }
        let mut f = FieldAst {
            name,
            pos,
            ty,
            optional: false,
            list: false,
            attrs: Vec::new(),
            docs,
        };
        if self.peek().tok == Tok::Punct('[') {
            self.bump();
            self.punct(']', "`]` after `[` in a list type")?;
            f.list = true;
        }
        if self.peek().tok == Tok::Punct('?') {
            let q = self.bump().pos;
            if f.list {
                return err(q, format!("field `{}`: a list cannot be optional", f.name));
            }
            f.optional = true;
        }
        while self.peek().tok == Tok::At {
            let a = self.attr()?;
            f.attrs.push(a);
        }
        Ok(f)
    }

    fn attr(&mut self) -> Result<Attr> {
        let at = self.bump();
        let block = at.tok == Tok::AtAt;
        let (mut name, _) = self.ident("an attribute name after `@`")?;
        while self.peek().tok == Tok::Punct('.') {
            self.bump();
            let (part, _) = self.ident("a name after `.`")?;
            name.push('.');
            name.push_str(&part);
        }
        let args = if self.peek().tok == Tok::Punct('(') {
            self.args()?
        } else {
            Vec::new()
        };
        Ok(Attr {
            name,
            args,
            pos: at.pos,
            block,
        })
    }

    fn args(&mut self) -> Result<Vec<Arg>> {
        self.punct('(', "`(`")?;
        let mut args = Vec::new();
        loop {
            self.skip_newlines();
            if self.peek().tok == Tok::Punct(')') {
                self.bump();
                return Ok(args);
            }
            let pos = self.peek().pos;
            let name = if matches!(self.peek().tok, Tok::Ident(_))
                && *self.peek_at(1) == Tok::Punct(':')
            {
                let (n, _) = self.ident("an argument name")?;
                self.bump();
                Some(n)
            } else {
                None
            };
            self.skip_newlines();
            let value = self.expr()?;
            args.push(Arg { name, value, pos });
            self.skip_newlines();
            match self.peek().tok {
                Tok::Punct(',') => {
                    self.bump();
                }
                Tok::Punct(')') => {}
                _ => return self.unexpected("`,` or `)`"),
            }
        }
    }

    fn expr(&mut self) -> Result<Expr> {
        let t = self.peek().clone();
        let kind = match t.tok {
            Tok::Str(s) => {
                self.bump();
                ExprKind::Str(s)
            }
            Tok::Num(n) => {
                self.bump();
                ExprKind::Num(n)
            }
            Tok::Ident(name) => {
                self.bump();
                if self.peek().tok == Tok::Punct('(') {
                    ExprKind::Call(name, self.args()?)
                } else {
                    ExprKind::Ident(name)
                }
            }
            Tok::Punct('[') => {
                self.bump();
                let mut items = Vec::new();
                loop {
                    self.skip_newlines();
                    if self.peek().tok == Tok::Punct(']') {
                        self.bump();
                        break;
                    }
                    items.push(self.expr()?);
                    self.skip_newlines();
                    match self.peek().tok {
                        Tok::Punct(',') => {
                            self.bump();
                        }
                        Tok::Punct(']') => {}
                        _ => return self.unexpected("`,` or `]`"),
                    }
                }
                ExprKind::Array(items)
            }
            _ => {
                return self
                    .unexpected("a value (a string, a number, a name, a function or a list)");
            }
        };
        Ok(Expr { kind, pos: t.pos })
    }

    fn enum_block(&mut self, docs: Vec<String>) -> Result<EnumAst> {
        let (name, pos) = self.open_block("enum")?;
        let mut e = EnumAst {
            name,
            pos,
            values: Vec::new(),
            attrs: Vec::new(),
            docs,
        };
        let mut pending: Vec<String> = Vec::new();
        loop {
            match self.peek().tok.clone() {
                Tok::Newline => {
                    self.bump();
                }
                Tok::Doc(d) => {
                    pending.push(d);
                    self.bump();
                }
                Tok::Punct('}') => {
                    self.bump();
                    return Ok(e);
                }
                Tok::AtAt => {
                    pending.clear();
                    let a = self.attr()?;
                    e.attrs.push(a);
                    self.end_of_line(&mut Vec::new())?;
                }
                Tok::Ident(_) => {
                    let (name, pos) = self.ident("an enum value")?;
                    let mut v = EnumValueAst {
                        name,
                        pos,
                        attrs: Vec::new(),
                        docs: std::mem::take(&mut pending),
                    };
                    while self.peek().tok == Tok::At {
                        let a = self.attr()?;
                        v.attrs.push(a);
                    }
                    self.end_of_line(&mut v.docs)?;
                    e.values.push(v);
                }
                Tok::Eof => {
                    return err(e.pos, format!("`enum {}` is not closed: add `}}`", e.name));
                }
                _ => return self.unexpected("an enum value, a `@@` attribute or `}`"),
            }
        }
    }

    fn config(&mut self, pos: Pos) -> Result<ConfigAst> {
        let _ = self.open_block("block")?;
        let mut c = ConfigAst {
            pos,
            entries: Vec::new(),
        };
        loop {
            match self.peek().tok.clone() {
                Tok::Newline | Tok::Doc(_) => {
                    self.bump();
                }
                Tok::Punct('}') => {
                    self.bump();
                    return Ok(c);
                }
                Tok::Ident(_) => {
                    let (key, kpos) = self.ident("a key")?;
                    self.punct('=', &format!("`=` after `{key}`"))?;
                    let value = self.expr()?;
                    c.entries.push((key, kpos, value));
                    self.end_of_line(&mut Vec::new())?;
                }
                Tok::Eof => return err(c.pos, "the block is not closed: add `}`"),
                _ => return self.unexpected("`key = value` or `}`"),
            }
        }
    }
}

/// The datasource's dialect and the position of its provider, after checking what the importer
/// cannot honour.
fn datasource(ast: &Ast) -> Result<Option<(Dialect, Pos)>> {
    let Some(ds) = ast.datasources.first() else {
        return Ok(None);
    };
    if let Some(second) = ast.datasources.get(1) {
        return err(second.pos, "a Prisma schema has one `datasource` block");
    }
    let mut dialect = None;
    for (key, pos, value) in &ds.entries {
        match key.as_str() {
            "provider" => {
                let ExprKind::Str(p) = &value.kind else {
                    return err(value.pos, "`provider` must be a string literal");
                };
                dialect = Some((
                    match p.as_str() {
                        "postgresql" | "postgres" => Dialect::POSTGRES,
                        "mysql" => Dialect::MYSQL,
                        "sqlite" => Dialect::SQLITE,
                        other => {
                            return err(
                                value.pos,
                                format!(
                                    "provider `{other}` is not supported: the ORM runs on PostgreSQL (`postgresql`), MySQL/MariaDB (`mysql`) and SQLite (`sqlite`)"
                                ),
                            );
                        }
                    },
                    value.pos,
                ));
            }
            "relationMode" | "referentialIntegrity" => {
                if matches!(&value.kind, ExprKind::Str(m) if m == "prisma") {
                    return err(
                        *pos,
                        "`relationMode = \"prisma\"` is not supported: Prisma then creates no foreign keys, and the derive's `belongs_to` always has one",
                    );
                }
            }
            "schemas" => {
                return err(
                    *pos,
                    "multiple database schemas (`schemas = [..]`) are not supported: the models live in the connection's schema",
                );
            }
            _ => {}
        }
    }
    Ok(dialect)
}

// ---------------------------------------------------------------------------------------------
// Names

/// Type names the generated source uses unqualified: a model or enum of that name is renamed.
const TAKEN_TYPES: &[&str] = &[
    "BelongsTo",
    "HasMany",
    "HasOne",
    "Option",
    "Vec",
    "String",
    "Box",
    "Result",
    "Some",
    "None",
    "Ok",
    "Err",
];

/// snake_case, word boundaries at case changes (`providerAccountId` → `provider_account_id`,
/// `HTTPStatus` → `http_status`).
fn snake(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() {
            let prev = i.checked_sub(1).map(|j| chars[j]);
            let next = chars.get(i + 1).copied();
            let boundary = match prev {
                Some(p) if p.is_ascii_lowercase() || p.is_ascii_digit() => true,
                Some(p) if p.is_ascii_uppercase() => next.is_some_and(|n| n.is_ascii_lowercase()),
                _ => false,
            };
            if boundary && !out.ends_with('_') {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else if c.is_ascii_alphanumeric() || c == '_' {
            out.push(c);
        } else {
            out.push('_');
        }
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

/// A Rust field identifier for a Prisma field name.
fn field_ident(prisma: &str) -> String {
    let s = snake(prisma);
    if KEYWORDS.contains(&s.as_str()) {
        if matches!(s.as_str(), "self" | "super" | "crate") {
            return format!("{s}_");
        }
        return format!("r#{s}");
    }
    s
}

fn bare(ident: &str) -> &str {
    ident.trim_start_matches("r#")
}

/// A variant identifier for an enum value (`IN_PROGRESS` → `InProgress`, `draft` → `Draft`).
fn variant_ident(value: &str) -> String {
    let shouting = value
        .chars()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    let v = if shouting {
        pascal(&value.to_ascii_lowercase())
    } else {
        pascal(value)
    };
    if v == "Self" { "Self_".into() } else { v }
}

// ---------------------------------------------------------------------------------------------
// Types

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scalar {
    String,
    Boolean,
    Int,
    BigInt,
    Float,
    Decimal,
    DateTime,
    Json,
    Bytes,
}

impl Scalar {
    fn parse(s: &str) -> Option<Scalar> {
        Some(match s {
            "String" => Scalar::String,
            "Boolean" => Scalar::Boolean,
            "Int" => Scalar::Int,
            "BigInt" => Scalar::BigInt,
            "Float" => Scalar::Float,
            "Decimal" => Scalar::Decimal,
            "DateTime" => Scalar::DateTime,
            "Json" => Scalar::Json,
            "Bytes" => Scalar::Bytes,
            _ => return None,
        })
    }
}

/// A column's Rust type and its kind, and the native type Prisma creates.
struct ColType {
    rust: &'static str,
    kind: ScalarKind,
    native: String,
}

fn col(rust: &'static str, kind: ScalarKind, native: impl Into<String>) -> Option<ColType> {
    Some(ColType {
        rust,
        kind,
        native: native.into(),
    })
}

/// The native type attributes the importer maps, per provider and Prisma type (for messages).
fn supported_natives(backend: Backend, scalar: Scalar) -> &'static str {
    use Scalar as S;
    match (backend, scalar) {
        (Backend::Postgres, S::String) => "@db.Text, @db.VarChar(n), @db.Char(n), @db.Uuid",
        (Backend::Postgres, S::Boolean) => "@db.Boolean",
        (Backend::Postgres, S::Int) => "@db.Integer, @db.Int4, @db.SmallInt, @db.Int2",
        (Backend::Postgres, S::BigInt) => "@db.BigInt, @db.Int8",
        (Backend::Postgres, S::Float) => "@db.DoublePrecision, @db.Float8, @db.Real, @db.Float4",
        (Backend::Postgres, S::Decimal) => "@db.Decimal(p, s)",
        (Backend::Postgres, S::DateTime) => {
            "@db.Timestamp(p), @db.Timestamptz(p), @db.Date, @db.Time(p)"
        }
        (Backend::Postgres, S::Json) => "@db.JsonB, @db.Json",
        (Backend::Postgres, S::Bytes) => "@db.ByteA",
        (Backend::MySql, S::String) => {
            "@db.VarChar(n), @db.Char(n), @db.Text, @db.TinyText, @db.MediumText, @db.LongText"
        }
        (Backend::MySql, S::Boolean) => "@db.TinyInt(1)",
        (Backend::MySql, S::Int) => "@db.Int, @db.SmallInt",
        (Backend::MySql, S::BigInt) => "@db.BigInt",
        (Backend::MySql, S::Float) => "@db.Double, @db.Float",
        (Backend::MySql, S::Decimal) => "@db.Decimal(p, s)",
        (Backend::MySql, S::DateTime) => "@db.DateTime(p), @db.Date, @db.Time(p)",
        (Backend::MySql, S::Json) => "@db.Json",
        (Backend::MySql, S::Bytes) => {
            "@db.LongBlob, @db.MediumBlob, @db.Blob, @db.TinyBlob, @db.Binary(n), @db.VarBinary(n)"
        }
        (Backend::Sqlite, _) => "none (SQLite has no native type attributes)",
    }
}

/// The column type of a field of `scalar` with the native type attribute `native` on `d`.
fn column_type(
    d: Dialect,
    field: &FieldAst,
    scalar: Scalar,
    native: Option<&Attr>,
) -> Result<ColType> {
    use Scalar as S;
    use ScalarKind as K;
    let mut args: Vec<String> = Vec::new();
    if let Some(a) = native {
        for arg in &a.args {
            match (&arg.name, &arg.value.kind) {
                (None, ExprKind::Num(n)) if n.parse::<u32>().is_ok() => args.push(n.clone()),
                _ => {
                    return err(
                        arg.pos,
                        format!("`{}` takes whole numbers only", a.display()),
                    );
                }
            }
        }
    }
    let n = native.map(|a| a.name.trim_start_matches("db."));
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    let found = match d.backend {
        Backend::Postgres => match (scalar, n, a.as_slice()) {
            (S::String, None | Some("Text"), []) => col("String", K::String, "text"),
            (S::String, Some("VarChar"), []) => col("String", K::String, "varchar"),
            (S::String, Some("VarChar"), [n]) => col("String", K::String, format!("varchar({n})")),
            (S::String, Some("Char"), [n]) => col("String", K::String, format!("char({n})")),
            (S::String, Some("Uuid"), []) => col("uuid::Uuid", K::Uuid, "uuid"),
            (S::Boolean, None | Some("Boolean"), []) => col("bool", K::Bool, "boolean"),
            (S::Int, None | Some("Integer" | "Int4"), []) => col("i32", K::I32, "integer"),
            (S::Int, Some("SmallInt" | "Int2"), []) => col("i16", K::I16, "smallint"),
            (S::BigInt, None | Some("BigInt" | "Int8"), []) => col("i64", K::I64, "bigint"),
            (S::Float, None | Some("DoublePrecision" | "Float8"), []) => {
                col("f64", K::F64, "double precision")
            }
            (S::Float, Some("Real" | "Float4"), []) => col("f32", K::F32, "real"),
            (S::Decimal, None, []) => col("rust_decimal::Decimal", K::Decimal, "decimal(65,30)"),
            (S::Decimal, Some("Decimal"), [p, s]) => col(
                "rust_decimal::Decimal",
                K::Decimal,
                format!("decimal({p},{s})"),
            ),
            (S::DateTime, None, []) => {
                col("chrono::NaiveDateTime", K::NaiveDateTime, "timestamp(3)")
            }
            (S::DateTime, Some("Timestamp"), []) => {
                col("chrono::NaiveDateTime", K::NaiveDateTime, "timestamp")
            }
            (S::DateTime, Some("Timestamp"), [p]) => col(
                "chrono::NaiveDateTime",
                K::NaiveDateTime,
                format!("timestamp({p})"),
            ),
            (S::DateTime, Some("Timestamptz"), []) => {
                col("chrono::DateTime<chrono::Utc>", K::DateTime, "timestamptz")
            }
            (S::DateTime, Some("Timestamptz"), [p]) => col(
                "chrono::DateTime<chrono::Utc>",
                K::DateTime,
                format!("timestamptz({p})"),
            ),
            (S::DateTime, Some("Date"), []) => col("chrono::NaiveDate", K::Date, "date"),
            (S::DateTime, Some("Time"), []) => col("chrono::NaiveTime", K::Time, "time"),
            (S::DateTime, Some("Time"), [p]) => {
                col("chrono::NaiveTime", K::Time, format!("time({p})"))
            }
            (S::Json, None | Some("JsonB"), []) => col("serde_json::Value", K::Json, "jsonb"),
            (S::Json, Some("Json"), []) => col("serde_json::Value", K::Json, "json"),
            (S::Bytes, None | Some("ByteA"), []) => col("Vec<u8>", K::Bytes, "bytea"),
            _ => None,
        },
        Backend::MySql => match (scalar, n, a.as_slice()) {
            (S::String, None, []) => col("String", K::String, "varchar(191)"),
            (S::String, Some("VarChar"), [n]) => col("String", K::String, format!("varchar({n})")),
            (S::String, Some("Char"), [n]) => col("String", K::String, format!("char({n})")),
            (S::String, Some(t @ ("Text" | "TinyText" | "MediumText" | "LongText")), []) => {
                col("String", K::String, t.to_ascii_lowercase())
            }
            (S::Boolean, None, []) | (S::Boolean, Some("TinyInt"), ["1"]) => {
                col("bool", K::Bool, "tinyint(1)")
            }
            (S::Int, None | Some("Int"), []) => col("i32", K::I32, "int"),
            (S::Int, Some("SmallInt"), []) => col("i16", K::I16, "smallint"),
            (S::BigInt, None | Some("BigInt"), []) => col("i64", K::I64, "bigint"),
            (S::Float, None | Some("Double"), []) => col("f64", K::F64, "double"),
            (S::Float, Some("Float"), []) => col("f32", K::F32, "float"),
            (S::Decimal, None, []) => col("rust_decimal::Decimal", K::Decimal, "decimal(65,30)"),
            (S::Decimal, Some("Decimal"), [p, s]) => col(
                "rust_decimal::Decimal",
                K::Decimal,
                format!("decimal({p},{s})"),
            ),
            (S::DateTime, None, []) => {
                col("chrono::DateTime<chrono::Utc>", K::DateTime, "datetime(3)")
            }
            (S::DateTime, Some("DateTime"), []) => {
                col("chrono::DateTime<chrono::Utc>", K::DateTime, "datetime")
            }
            (S::DateTime, Some("DateTime"), [p]) => col(
                "chrono::DateTime<chrono::Utc>",
                K::DateTime,
                format!("datetime({p})"),
            ),
            (S::DateTime, Some("Date"), []) => col("chrono::NaiveDate", K::Date, "date"),
            (S::DateTime, Some("Time"), []) => col("chrono::NaiveTime", K::Time, "time"),
            (S::DateTime, Some("Time"), [p]) => {
                col("chrono::NaiveTime", K::Time, format!("time({p})"))
            }
            (S::Json, None | Some("Json"), []) => col("serde_json::Value", K::Json, "json"),
            (S::Bytes, None | Some("LongBlob"), []) => col("Vec<u8>", K::Bytes, "longblob"),
            (S::Bytes, Some(t @ ("MediumBlob" | "Blob" | "TinyBlob")), []) => {
                col("Vec<u8>", K::Bytes, t.to_ascii_lowercase())
            }
            (S::Bytes, Some(t @ ("Binary" | "VarBinary")), [n]) => col(
                "Vec<u8>",
                K::Bytes,
                format!("{}({n})", t.to_ascii_lowercase()),
            ),
            _ => None,
        },
        Backend::Sqlite => match (scalar, n) {
            (S::String, None) => col("String", K::String, "TEXT"),
            (S::Boolean, None) => col("bool", K::Bool, "BOOLEAN"),
            (S::Int, None) => col("i32", K::I32, "INTEGER"),
            (S::BigInt, None) => col("i64", K::I64, "BIGINT"),
            (S::Float, None) => col("f64", K::F64, "REAL"),
            (S::Decimal, None) => col("rust_decimal::Decimal", K::Decimal, "DECIMAL"),
            (S::DateTime, None) => col("chrono::DateTime<chrono::Utc>", K::DateTime, "DATETIME"),
            (S::Json, None) => col("serde_json::Value", K::Json, "JSONB"),
            (S::Bytes, None) => col("Vec<u8>", K::Bytes, "BLOB"),
            _ => None,
        },
    };
    match (found, native) {
        (Some(c), _) => Ok(c),
        (None, Some(a)) => {
            let written = if args.is_empty() {
                a.display()
            } else {
                format!("{}({})", a.display(), args.join(", "))
            };
            err(
                a.pos,
                format!(
                    "field `{}`: native type `{written}` on a `{}` field is not supported on {}; supported: {}",
                    field.name,
                    field.ty,
                    d.backend.name(),
                    supported_natives(d.backend, scalar)
                ),
            )
        }
        (None, None) => unreachable!("every Prisma scalar has a default column type"),
    }
}

/// `db_type = ".."` when the derive's default type for `kind` is not what Prisma creates.
fn db_type(d: Dialect, c: &ColType) -> Option<String> {
    let want = normalize_type(d, parse_type(d, &c.native));
    let default = normalize_type(d, kind_type(d, c.kind));
    (want != default).then(|| render_type(d, &want, false))
}

// ---------------------------------------------------------------------------------------------
// The plan: what each model, field and relation becomes

struct EnumPlan {
    ident: String,
    db_name: String,
    docs: Vec<String>,
    variants: Vec<Variant>,
}

struct Variant {
    /// The value in the Prisma schema.
    prisma: String,
    ident: String,
    /// The value in the database (`@map`, else the Prisma value).
    db: String,
    docs: Vec<String>,
}

#[derive(Clone)]
struct ScalarPlan {
    column: String,
    /// The Rust type without `Option`.
    rust: String,
    optional: bool,
    /// `db_type` of the column, if any (for the relation tables of many-to-many relations).
    db_type: Option<String>,
    /// The keys of `#[orm(..)]`, in order.
    keys: Vec<String>,
}

enum FieldKind {
    Scalar(ScalarPlan),
    BelongsTo {
        fk: String,
        fk_column: String,
        target: usize,
        optional: bool,
        on_delete: String,
        on_update: String,
    },
    HasMany {
        target: String,
        inverse: Option<String>,
    },
    HasOne {
        target: String,
        inverse: Option<String>,
    },
}

struct FieldPlan {
    ident: String,
    docs: Vec<String>,
    kind: FieldKind,
}

struct ModelPlan {
    ident: String,
    table: String,
    docs: Vec<String>,
    fields: Vec<FieldPlan>,
    struct_keys: Vec<String>,
    notes: Vec<String>,
    /// The columns some key or (non-full-text) index starts with.
    covered: Vec<String>,
}

/// The relation table of an implicit many-to-many relation.
struct JoinPlan {
    table: String,
    ident: String,
    /// The models of columns `A` and `B`.
    model_a: usize,
    model_b: usize,
    /// The `belongs_to` fields over `A` and `B`.
    rel_a: String,
    rel_b: String,
    /// The two Prisma fields, as `Model.field`.
    sides: (String, String),
}

/// A relation field as written.
struct RelField {
    model: usize,
    field: usize,
    target: usize,
    name: Option<String>,
    list: bool,
    optional: bool,
    fields: Option<Vec<(String, Pos)>>,
    references: Option<Vec<(String, Pos)>>,
    on_delete: Option<(String, Pos)>,
    on_update: Option<(String, Pos)>,
    map: Option<(String, Pos)>,
    pos: Pos,
}

struct Importer<'a> {
    ast: &'a Ast,
    d: Dialect,
    enums: Vec<EnumPlan>,
    models: Vec<ModelPlan>,
    joins: Vec<JoinPlan>,
    /// Per model, the field index of its single-field primary key.
    pk: Vec<Option<usize>>,
}

const ACTIONS: &[&str] = &["Cascade", "Restrict", "NoAction", "SetNull", "SetDefault"];

fn no_args(a: &Attr, what: &str) -> Result<()> {
    match a.args.first() {
        None => Ok(()),
        Some(arg) => err(
            arg.pos,
            format!("`{}` takes no arguments {what}", a.display()),
        ),
    }
}

fn string_arg(arg: &Arg, what: &str) -> Result<String> {
    match &arg.value.kind {
        ExprKind::Str(s) => Ok(s.clone()),
        _ => err(arg.value.pos, format!("{what} must be a string")),
    }
}

/// The one positional string argument of `@map("..")` / `@@map("..")`.
fn map_arg(a: &Attr) -> Result<String> {
    match a.args.as_slice() {
        [arg] if arg.name.is_none() || arg.name.as_deref() == Some("name") => {
            string_arg(arg, &format!("the name in `{}`", a.display()))
        }
        _ => err(
            a.pos,
            format!(
                "`{}` takes one name: `{}(\"name\")`",
                a.display(),
                a.display()
            ),
        ),
    }
}

/// A list of field names (`[a, b]`), as written.
fn name_list(e: &Expr, what: &str) -> Result<Vec<(String, Pos)>> {
    let ExprKind::Array(items) = &e.kind else {
        return err(e.pos, format!("{what} must be a list of fields: `[a, b]`"));
    };
    let mut out = Vec::new();
    for item in items {
        match &item.kind {
            ExprKind::Ident(n) => out.push((n.clone(), item.pos)),
            ExprKind::Call(n, _) => {
                return err(
                    item.pos,
                    format!(
                        "`{n}(..)`: index arguments on fields (`sort:`, `length:`, `ops:`) are not supported: the derive's keys take plain columns"
                    ),
                );
            }
            _ => return err(item.pos, format!("{what} must name fields: `[a, b]`")),
        }
    }
    if out.is_empty() {
        return err(e.pos, format!("{what} names no field"));
    }
    Ok(out)
}

impl<'a> Importer<'a> {
    fn new(ast: &'a Ast, d: Dialect) -> Result<Self> {
        let mut imp = Importer {
            ast,
            d,
            enums: Vec::new(),
            models: Vec::new(),
            joins: Vec::new(),
            pk: Vec::new(),
        };
        imp.plan_enums()?;
        imp.plan_names()?;
        for mi in 0..ast.models.len() {
            imp.plan_scalars(mi)?;
        }
        imp.plan_relations()?;
        for mi in 0..ast.models.len() {
            imp.check_composite_key(mi)?;
        }
        Ok(imp)
    }

    fn model_index(&self, name: &str) -> Option<usize> {
        self.ast.models.iter().position(|m| m.name == name)
    }

    fn enum_index(&self, name: &str) -> Option<usize> {
        self.ast.enums.iter().position(|e| e.name == name)
    }

    fn plan_enums(&mut self) -> Result<()> {
        for e in &self.ast.enums {
            if self.ast.enums.iter().filter(|x| x.name == e.name).count() > 1
                || self.ast.models.iter().any(|m| m.name == e.name)
            {
                return err(e.pos, format!("`{}` is declared twice", e.name));
            }
            let mut db_name = e.name.clone();
            for a in &e.attrs {
                match a.name.as_str() {
                    "map" => db_name = map_arg(a)?,
                    "schema" => {
                        return err(
                            a.pos,
                            "`@@schema` (multiple database schemas) is not supported: the models live in the connection's schema",
                        );
                    }
                    _ => {
                        return err(
                            a.pos,
                            format!("unknown attribute `{}` on enum `{}`", a.display(), e.name),
                        );
                    }
                }
            }
            let mut variants: Vec<Variant> = Vec::new();
            for v in &e.values {
                let mut db = v.name.clone();
                for a in &v.attrs {
                    match a.name.as_str() {
                        "map" => db = map_arg(a)?,
                        _ => {
                            return err(
                                a.pos,
                                format!(
                                    "unknown attribute `{}` on enum value `{}`",
                                    a.display(),
                                    v.name
                                ),
                            );
                        }
                    }
                }
                if variants.iter().any(|x| x.prisma == v.name) {
                    return err(v.pos, format!("enum value `{}` is declared twice", v.name));
                }
                let mut ident = variant_ident(&v.name);
                while variants.iter().any(|x| x.ident == ident) {
                    ident.push('_');
                }
                variants.push(Variant {
                    prisma: v.name.clone(),
                    ident,
                    db,
                    docs: v.docs.clone(),
                });
            }
            if variants.is_empty() {
                return err(e.pos, format!("enum `{}` has no values", e.name));
            }
            self.enums.push(EnumPlan {
                ident: String::new(),
                db_name,
                docs: e.docs.clone(),
                variants,
            });
        }
        Ok(())
    }

    /// Struct and enum identifiers, tables; every name checked against the others and against
    /// the types the derive generates.
    fn plan_names(&mut self) -> Result<()> {
        let ast = self.ast;
        let mut idents: Vec<String> = Vec::new();
        let mut positions: Vec<Pos> = Vec::new();
        let fix = |name: &str| {
            let mut ident = pascal(name);
            if TAKEN_TYPES.contains(&ident.as_str()) {
                ident.push_str("Model");
            }
            ident
        };
        for (ei, e) in ast.enums.iter().enumerate() {
            let ident = fix(&e.name);
            self.enums[ei].ident = ident.clone();
            idents.push(ident);
            positions.push(e.pos);
        }
        for m in &ast.models {
            if ast.models.iter().filter(|x| x.name == m.name).count() > 1 {
                return err(m.pos, format!("model `{}` is declared twice", m.name));
            }
            let mut table = m.name.clone();
            for a in m.attrs.iter().filter(|a| a.name == "map") {
                table = map_arg(a)?;
            }
            let ident = fix(&m.name);
            idents.push(ident.clone());
            positions.push(m.pos);
            self.models.push(ModelPlan {
                ident,
                table,
                docs: m.docs.clone(),
                fields: Vec::new(),
                struct_keys: Vec::new(),
                notes: Vec::new(),
                covered: Vec::new(),
            });
        }
        let model_idents: Vec<String> = self.models.iter().map(|m| m.ident.clone()).collect();
        for (i, ident) in idents.iter().enumerate() {
            if idents[..i].contains(ident) {
                return err(
                    positions[i],
                    format!("two models or enums become the Rust type `{ident}`: rename one"),
                );
            }
            for m in &model_idents {
                if *ident == format!("New{m}") || *ident == format!("{m}Update") {
                    return err(
                        positions[i],
                        format!(
                            "`{ident}` collides with the type `#[derive(Model)]` generates for `{m}`: rename one"
                        ),
                    );
                }
            }
        }
        Ok(())
    }

    /// The scalar fields of model `mi`, its keys and its block attributes.
    fn plan_scalars(&mut self, mi: usize) -> Result<()> {
        let ast = self.ast;
        let m = &ast.models[mi];
        let table = self.models[mi].table.clone();
        // The primary key first: `autoincrement()` needs to know it.
        let mut pk_fields: Vec<(String, Pos)> = Vec::new();
        let mut pk_attr: Option<&Attr> = None;
        for f in &m.fields {
            if f.attrs.iter().any(|a| a.name == "id") {
                pk_fields.push((f.name.clone(), f.pos));
            }
        }
        for a in m.attrs.iter().filter(|a| a.name == "id") {
            if !pk_fields.is_empty() || pk_attr.is_some() {
                return err(a.pos, format!("model `{}` has two primary keys", m.name));
            }
            pk_attr = Some(a);
        }
        if pk_fields.len() > 1 {
            return err(
                pk_fields[1].1,
                format!(
                    "model `{}` has `@id` on several fields: use `@@id([a, b])` for a composite key",
                    m.name
                ),
            );
        }
        let mut field_plans: Vec<Option<FieldPlan>> = Vec::new();
        let mut idents: Vec<(String, &FieldAst)> = Vec::new();
        for f in &m.fields {
            let ident = field_ident(&f.name);
            if let Some((_, prev)) = idents.iter().find(|(i, _)| *i == ident) {
                return err(
                    f.pos,
                    format!(
                        "fields `{}` (line {}) and `{}` both become the Rust field `{ident}`: rename one",
                        prev.name, prev.pos.line, f.name
                    ),
                );
            }
            idents.push((ident.clone(), f));
            let scalar = Scalar::parse(&f.ty);
            let enum_idx = self.enum_index(&f.ty);
            if scalar.is_none() && enum_idx.is_none() {
                if self.model_index(&f.ty).is_some() {
                    field_plans.push(None);
                    continue;
                }
                return err(
                    f.pos,
                    format!(
                        "field `{}`: unknown type `{}` (not a Prisma scalar type, model or enum)",
                        f.name, f.ty
                    ),
                );
            }
            if f.list {
                return err(
                    f.pos,
                    format!(
                        "field `{}`: scalar lists (`{}[]`) are not supported: the derive has no array columns; use a `Json` field or a related model",
                        f.name, f.ty
                    ),
                );
            }
            let plan = self.scalar_field(f, scalar, enum_idx, &pk_fields, &table)?;
            field_plans.push(Some(FieldPlan {
                ident,
                docs: f.docs.clone(),
                kind: FieldKind::Scalar(plan),
            }));
        }
        let scalar_of = |name: &str| -> Option<usize> {
            m.fields
                .iter()
                .position(|f| f.name == name)
                .filter(|&i| field_plans[i].is_some())
        };
        let column_of = |i: usize| -> String {
            match &field_plans[i] {
                Some(FieldPlan {
                    kind: FieldKind::Scalar(s),
                    ..
                }) => s.column.clone(),
                _ => String::new(),
            }
        };
        let fields_arg = |a: &Attr| -> Result<Vec<usize>> {
            let list = match a
                .args
                .iter()
                .find(|x| x.name.is_none() || x.name.as_deref() == Some("fields"))
            {
                Some(arg) => name_list(&arg.value, &format!("the fields of `{}`", a.display()))?,
                None => {
                    return err(
                        a.pos,
                        format!(
                            "`{}` needs a list of fields: `{}([a, b])`",
                            a.display(),
                            a.display()
                        ),
                    );
                }
            };
            let mut out = Vec::new();
            for (name, pos) in list {
                match scalar_of(&name) {
                    Some(i) if !out.contains(&i) => out.push(i),
                    Some(_) => return err(pos, format!("`{name}` is listed twice")),
                    None if m.fields.iter().any(|f| f.name == name) => {
                        return err(
                            pos,
                            format!(
                                "`{name}` is a relation field: list its scalar fields (the foreign key)"
                            ),
                        );
                    }
                    None => return err(pos, format!("model `{}` has no field `{name}`", m.name)),
                }
            }
            Ok(out)
        };
        let key_name = |cols: &[usize], suffix: &str| -> String {
            let names: Vec<String> = cols.iter().map(|&i| column_of(i)).collect();
            orm_core::model::fit_identifier(&format!("{table}_{}_{suffix}", names.join("_")))
                .into_owned()
        };
        // `map:` names a constraint: the derive names its own, so only Prisma's default (which is
        // the derive's too) can be kept.
        let check_map = |a: &Attr, default: &str, allowed: &[&str]| -> Result<()> {
            for arg in &a.args {
                match arg.name.as_deref() {
                    None | Some("fields") => {}
                    Some("map") => {
                        let name = string_arg(arg, "`map:`")?;
                        if name != default {
                            return err(
                                arg.pos,
                                format!(
                                    "`map: {name:?}`: custom constraint names are not supported: the derive names it `{default}` (Prisma's default); remove `map:` or rename the constraint"
                                ),
                            );
                        }
                    }
                    Some(n) if allowed.contains(&n) => {}
                    Some("type") if matches!(&arg.value.kind, ExprKind::Ident(t) if t == "BTree") =>
                        {}
                    Some(n) => {
                        return err(
                            arg.pos,
                            format!(
                                "`{n}:` in `{}` is not supported: the derive's keys take plain columns",
                                a.display()
                            ),
                        );
                    }
                }
            }
            Ok(())
        };
        let mut struct_keys: Vec<String> = Vec::new();
        let mut covered: Vec<String> = Vec::new();
        let mut notes: Vec<String> = Vec::new();
        let mut single_pk: Option<usize> = None;
        let idents_of = |cols: &[usize]| -> String {
            cols.iter()
                .map(|&i| {
                    field_plans[i]
                        .as_ref()
                        .map_or("", |p| p.ident.as_str())
                        .to_owned()
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut field_keys: Vec<(usize, &'static str)> = Vec::new();
        if let Some((name, _)) = pk_fields.first() {
            let i = m.fields.iter().position(|f| f.name == *name).unwrap_or(0);
            single_pk = Some(i);
            covered.push(column_of(i));
        }
        for a in &m.attrs {
            match a.name.as_str() {
                "map" => {}
                "id" => {
                    let cols = fields_arg(a)?;
                    check_map(a, &format!("{table}_pkey"), &["name"])?;
                    for &i in &cols {
                        if m.fields[i].optional {
                            return err(
                                a.pos,
                                format!(
                                    "`{}` is optional and cannot be part of the primary key",
                                    m.fields[i].name
                                ),
                            );
                        }
                    }
                    covered.push(column_of(cols[0]));
                    if cols.len() == 1 {
                        single_pk = Some(cols[0]);
                        field_keys.push((cols[0], "id"));
                    } else {
                        struct_keys.push(format!("id({})", idents_of(&cols)));
                    }
                }
                "unique" => {
                    let cols = fields_arg(a)?;
                    check_map(a, &key_name(&cols, "key"), &["name"])?;
                    covered.push(column_of(cols[0]));
                    if cols.len() == 1 {
                        field_keys.push((cols[0], "unique"));
                    } else {
                        struct_keys.push(format!("unique({})", idents_of(&cols)));
                    }
                }
                "index" => {
                    let cols = fields_arg(a)?;
                    // `name:` is the index's database name in Prisma 2, like `map:`.
                    let renamed = Attr {
                        args: a
                            .args
                            .iter()
                            .map(|x| Arg {
                                name: x.name.as_deref().map(|n| {
                                    if n == "name" {
                                        "map".to_owned()
                                    } else {
                                        n.to_owned()
                                    }
                                }),
                                ..x.clone()
                            })
                            .collect(),
                        ..a.clone()
                    };
                    check_map(&renamed, &key_name(&cols, "idx"), &[])?;
                    covered.push(column_of(cols[0]));
                    if cols.len() == 1 {
                        field_keys.push((cols[0], "index"));
                    } else {
                        struct_keys.push(format!("index({})", idents_of(&cols)));
                    }
                }
                "fulltext" => {
                    let cols = fields_arg(a)?;
                    let prisma_name = key_name(&cols, "idx");
                    check_map(a, &prisma_name, &[])?;
                    struct_keys.push(format!("fulltext({})", idents_of(&cols)));
                    notes.push(format!(
                        "Prisma names the full-text index `{prisma_name}`; the derive names it `{}`",
                        key_name(&cols, "fts")
                    ));
                }
                "ignore" => {
                    return err(
                        a.pos,
                        "`@@ignore` models are not supported: leave the model out of the schema to import, or import it",
                    );
                }
                "schema" => {
                    return err(
                        a.pos,
                        "`@@schema` (multiple database schemas) is not supported: the models live in the connection's schema",
                    );
                }
                _ => {
                    return err(
                        a.pos,
                        format!("unknown attribute `{}` on model `{}`", a.display(), m.name),
                    );
                }
            }
        }
        if single_pk.is_none() && !struct_keys.iter().any(|k| k.starts_with("id(")) {
            return err(
                m.pos,
                format!(
                    "model `{}` has no primary key: the derive needs `@id` or `@@id([..])` (Prisma's `@unique`-only models are not supported)",
                    m.name
                ),
            );
        }
        // Field-level keys from block attributes, after the field's own.
        for (i, key) in field_keys {
            if let Some(FieldPlan {
                kind: FieldKind::Scalar(s),
                ..
            }) = &mut field_plans[i]
            {
                let at = if key == "id" {
                    0
                } else {
                    s.keys
                        .iter()
                        .take_while(|k| *k == "id" || *k == "unique" || *k == "index")
                        .count()
                };
                if !s.keys.iter().any(|k| k == key) {
                    s.keys.insert(at, key.to_owned());
                }
            }
        }
        for p in field_plans.iter().flatten() {
            if let FieldKind::Scalar(s) = &p.kind
                && s.keys.iter().any(|k| k == "unique" || k == "index")
            {
                covered.push(s.column.clone());
            }
        }
        self.pk.push(single_pk);
        let plan = &mut self.models[mi];
        plan.struct_keys = struct_keys;
        plan.covered = covered;
        plan.notes = notes;
        // Relation fields are planned later; keep their slots.
        plan.fields = field_plans
            .into_iter()
            .map(|p| {
                p.unwrap_or(FieldPlan {
                    ident: String::new(),
                    docs: Vec::new(),
                    kind: FieldKind::HasMany {
                        target: String::new(),
                        inverse: None,
                    },
                })
            })
            .collect();
        Ok(())
    }

    /// One scalar or enum field.
    fn scalar_field(
        &self,
        f: &FieldAst,
        scalar: Option<Scalar>,
        enum_idx: Option<usize>,
        pk_fields: &[(String, Pos)],
        table: &str,
    ) -> Result<ScalarPlan> {
        let d = self.d;
        let native = {
            let natives: Vec<&Attr> = f
                .attrs
                .iter()
                .filter(|a| a.name.starts_with("db."))
                .collect();
            if let Some(second) = natives.get(1) {
                return err(
                    second.pos,
                    format!("field `{}` has two native types", f.name),
                );
            }
            natives.first().copied()
        };
        let (rust, db_type) = match (scalar, enum_idx) {
            (Some(s), _) => {
                let c = column_type(d, f, s, native)?;
                (c.rust.to_owned(), db_type(d, &c))
            }
            (None, Some(e)) => {
                if let Some(n) = native {
                    return err(
                        n.pos,
                        format!("field `{}`: an enum field takes no native type", f.name),
                    );
                }
                (self.enums[e].ident.clone(), None)
            }
            (None, None) => unreachable!("checked by the caller"),
        };
        let mut column = f.name.clone();
        let mut keys: Vec<String> = Vec::new();
        let mut default: Option<String> = None;
        let mut updated_at = false;
        let mut seen: Vec<&str> = Vec::new();
        for a in &f.attrs {
            if !a.name.starts_with("db.") {
                if seen.contains(&a.name.as_str()) {
                    return err(
                        a.pos,
                        format!("`{}` is written twice on field `{}`", a.display(), f.name),
                    );
                }
                seen.push(&a.name);
            }
            match a.name.as_str() {
                n if n.starts_with("db.") => {}
                "id" => {
                    for arg in &a.args {
                        match arg.name.as_deref() {
                            Some("map") => {
                                let name = string_arg(arg, "`map:`")?;
                                if name != format!("{table}_pkey") {
                                    return err(
                                        arg.pos,
                                        format!(
                                            "`map: {name:?}`: custom constraint names are not supported: the derive names the primary key `{table}_pkey` (Prisma's default)"
                                        ),
                                    );
                                }
                            }
                            _ => {
                                return err(
                                    arg.pos,
                                    "`@id` arguments other than `map:` (`length:`, `sort:`, `clustered:`) are not supported",
                                );
                            }
                        }
                    }
                    if f.optional {
                        return err(
                            a.pos,
                            format!("field `{}`: a primary key cannot be optional", f.name),
                        );
                    }
                    keys.insert(0, "id".into());
                }
                "unique" => {
                    if f.attrs.iter().any(|x| x.name == "id") {
                        return err(
                            a.pos,
                            format!(
                                "field `{}`: `@unique` on the primary key is not supported: the derive's primary key is already unique",
                                f.name
                            ),
                        );
                    }
                    for arg in &a.args {
                        match arg.name.as_deref() {
                            Some("map") => {
                                let name = string_arg(arg, "`map:`")?;
                                let default_name = orm_core::model::fit_identifier(&format!(
                                    "{table}_{}_key",
                                    column_name(f)?
                                ))
                                .into_owned();
                                if name != default_name {
                                    return err(
                                        arg.pos,
                                        format!(
                                            "`map: {name:?}`: custom constraint names are not supported: the derive names it `{default_name}` (Prisma's default)"
                                        ),
                                    );
                                }
                            }
                            _ => {
                                return err(
                                    arg.pos,
                                    "`@unique` arguments other than `map:` (`length:`, `sort:`, `clustered:`) are not supported",
                                );
                            }
                        }
                    }
                    keys.push("unique".into());
                }
                "map" => column = map_arg(a)?,
                "default" => {
                    default = Some(self.default_value(f, a, scalar, enum_idx, &rust, pk_fields)?)
                }
                "updatedAt" => {
                    no_args(a, "")?;
                    if scalar != Some(Scalar::DateTime) {
                        return err(
                            a.pos,
                            format!("field `{}`: `@updatedAt` needs a `DateTime` field", f.name),
                        );
                    }
                    updated_at = true;
                }
                "relation" => {
                    return err(
                        a.pos,
                        format!(
                            "field `{}`: `@relation` belongs on a relation field (of a model type), not on `{}`",
                            f.name, f.ty
                        ),
                    );
                }
                "ignore" => {
                    return err(
                        a.pos,
                        format!(
                            "field `{}`: `@ignore` fields are not supported: the derive maps every column; remove the field or the attribute",
                            f.name
                        ),
                    );
                }
                _ => {
                    return err(
                        a.pos,
                        format!("unknown attribute `{}` on field `{}`", a.display(), f.name),
                    );
                }
            }
        }
        if updated_at && default.is_some() {
            return err(
                f.pos,
                format!(
                    "field `{}`: `@updatedAt` and `@default` together are not supported: `updated_at` already sets the value on create",
                    f.name
                ),
            );
        }
        let ident = field_ident(&f.name);
        if column != bare(&ident) {
            keys.push(format!("column = {column:?}"));
        }
        if let Some(t) = &db_type {
            keys.push(format!("db_type = {t:?}"));
        }
        if let Some(def) = default {
            keys.push(def);
        }
        if updated_at {
            keys.push("updated_at".into());
        }
        Ok(ScalarPlan {
            column,
            rust,
            optional: f.optional,
            db_type,
            keys,
        })
    }

    /// `default = ..` for `@default(..)`.
    fn default_value(
        &self,
        f: &FieldAst,
        a: &Attr,
        scalar: Option<Scalar>,
        enum_idx: Option<usize>,
        rust: &str,
        pk_fields: &[(String, Pos)],
    ) -> Result<String> {
        let arg = match a.args.as_slice() {
            [arg] if arg.name.is_none() => arg,
            [_, extra, ..] if extra.name.as_deref() == Some("map") => {
                return err(
                    extra.pos,
                    "`map:` in `@default` (SQL Server's default constraint names) is not supported",
                );
            }
            _ => {
                return err(
                    a.pos,
                    format!("field `{}`: `@default` takes one value", f.name),
                );
            }
        };
        let v = &arg.value;
        let here = v.pos;
        let name = &f.name;
        use Scalar as S;
        if rust == "uuid::Uuid" {
            return match &v.kind {
                ExprKind::Call(func, args) if func == "uuid" && args.is_empty() => {
                    Ok("default = uuid".into())
                }
                _ => err(
                    here,
                    format!("field `{name}`: a `@db.Uuid` field takes `@default(uuid())` only"),
                ),
            };
        }
        match &v.kind {
            ExprKind::Call(func, args) => {
                let arg_num = || -> Option<&str> {
                    match args.as_slice() {
                        [] => Some(""),
                        [
                            Arg {
                                name: None,
                                value:
                                    Expr {
                                        kind: ExprKind::Num(n),
                                        ..
                                    },
                                ..
                            },
                        ] => Some(n.as_str()),
                        _ => None,
                    }
                };
                match (func.as_str(), scalar) {
                    ("autoincrement", Some(S::Int | S::BigInt)) if args.is_empty() => {
                        if pk_fields.len() != 1 || pk_fields[0].0 != *name {
                            return err(
                                here,
                                format!(
                                    "field `{name}`: `autoincrement()` on a field that is not the single-field `@id` is not supported: the derive auto-increments the primary key only"
                                ),
                            );
                        }
                        Ok("default = autoincrement".into())
                    }
                    ("cuid", Some(S::String)) if matches!(arg_num(), Some("" | "1" | "2")) => {
                        Ok("default = cuid".into())
                    }
                    ("uuid", Some(S::String)) if matches!(arg_num(), Some("" | "4")) => {
                        Ok("default = uuid".into())
                    }
                    ("uuid", Some(S::String)) if arg_num() == Some("7") => {
                        Ok("default = uuid_v7".into())
                    }
                    ("now", Some(S::DateTime)) if args.is_empty() => Ok("default = now".into()),
                    ("dbgenerated", _) => err(
                        here,
                        format!(
                            "field `{name}`: `@default(dbgenerated(..))` is not supported: the derive cannot declare a database expression as a default; generate the value in the application (e.g. `@default(uuid())`)"
                        ),
                    ),
                    ("autoincrement" | "cuid" | "uuid" | "now", _) => err(
                        here,
                        format!(
                            "field `{name}`: `{func}(..)` does not fit a `{}` field here",
                            f.ty
                        ),
                    ),
                    (other, _) => err(
                        here,
                        format!(
                            "field `{name}`: `@default({other}(..))` is not supported: the derive generates `cuid()`, `uuid()`, `autoincrement()` and `now()`"
                        ),
                    ),
                }
            }
            ExprKind::Ident(id) if enum_idx.is_some() => {
                let e = &self.enums[enum_idx.unwrap_or(0)];
                match e.variants.iter().find(|v| v.prisma == *id) {
                    Some(v) => Ok(format!("default = {}::{}", e.ident, v.ident)),
                    None => err(
                        here,
                        format!("field `{name}`: `{id}` is not a value of enum `{}`", f.ty),
                    ),
                }
            }
            ExprKind::Ident(b) if scalar == Some(S::Boolean) && (b == "true" || b == "false") => {
                Ok(format!("default = {b}"))
            }
            ExprKind::Str(s) if scalar == Some(S::String) => Ok(format!("default = {s:?}")),
            ExprKind::Str(s) if scalar == Some(S::Json) => Ok(format!(
                "default = serde_json::from_str::<serde_json::Value>({s:?}).expect(\"a JSON default\")"
            )),
            ExprKind::Num(n) if matches!(scalar, Some(S::Int | S::BigInt)) => {
                match n.parse::<i64>() {
                    Ok(v)
                        if rust == "i64"
                            || (rust == "i32" && i32::try_from(v).is_ok())
                            || i16::try_from(v).is_ok() =>
                    {
                        Ok(format!("default = {v}"))
                    }
                    _ => err(
                        here,
                        format!(
                            "field `{name}`: `{n}` is not a whole number a `{}` holds",
                            f.ty
                        ),
                    ),
                }
            }
            ExprKind::Num(n) if scalar == Some(S::Float) => match n.parse::<f64>() {
                Ok(v) if v.is_finite() => Ok(format!("default = {v:?}")),
                _ => err(here, format!("field `{name}`: `{n}` is not a number")),
            },
            ExprKind::Num(n) if scalar == Some(S::Decimal) => match decimal_parts(n) {
                Some((mantissa, scale)) => Ok(format!(
                    "default = rust_decimal::Decimal::from_i128_with_scale({mantissa}, {scale})"
                )),
                None => err(
                    here,
                    format!("field `{name}`: `{n}` is not a decimal the derive can hold"),
                ),
            },
            ExprKind::Array(_) => err(
                here,
                format!("field `{name}`: list defaults are not supported"),
            ),
            _ => err(
                here,
                format!(
                    "field `{name}`: this default is not supported for a `{}` field (date-time and byte literals are not; write the value in the application)",
                    f.ty
                ),
            ),
        }
    }

    /// Relation fields: `belongs_to` where `fields:` is, `has_many`/`has_one` on the other side,
    /// relation tables for implicit many-to-many relations.
    fn plan_relations(&mut self) -> Result<()> {
        let ast = self.ast;
        let mut rels: Vec<RelField> = Vec::new();
        for (mi, m) in ast.models.iter().enumerate() {
            for (fi, f) in m.fields.iter().enumerate() {
                let Some(target) = self.model_index(&f.ty) else {
                    continue;
                };
                let mut r = RelField {
                    model: mi,
                    field: fi,
                    target,
                    name: None,
                    list: f.list,
                    optional: f.optional,
                    fields: None,
                    references: None,
                    on_delete: None,
                    on_update: None,
                    map: None,
                    pos: f.pos,
                };
                for a in &f.attrs {
                    if a.name != "relation" {
                        let hint = if a.name == "map"
                            || a.name.starts_with("db.")
                            || a.name == "default"
                            || a.name == "unique"
                            || a.name == "id"
                        {
                            ": put it on the foreign-key field"
                        } else {
                            ""
                        };
                        return err(
                            a.pos,
                            format!(
                                "`{}` on the relation field `{}` is not supported{hint}",
                                a.display(),
                                f.name
                            ),
                        );
                    }
                    for arg in &a.args {
                        let ident = |what: &str| -> Result<(String, Pos)> {
                            match &arg.value.kind {
                                ExprKind::Ident(v) if ACTIONS.contains(&v.as_str()) => {
                                    Ok((v.clone(), arg.value.pos))
                                }
                                _ => err(
                                    arg.value.pos,
                                    format!("`{what}:` takes one of {}", ACTIONS.join(", ")),
                                ),
                            }
                        };
                        match arg.name.as_deref() {
                            None | Some("name") => {
                                r.name = Some(string_arg(arg, "the relation's name")?)
                            }
                            Some("fields") => r.fields = Some(name_list(&arg.value, "`fields:`")?),
                            Some("references") => {
                                r.references = Some(name_list(&arg.value, "`references:`")?)
                            }
                            Some("onDelete") => r.on_delete = Some(ident("onDelete")?),
                            Some("onUpdate") => r.on_update = Some(ident("onUpdate")?),
                            Some("map") => r.map = Some((string_arg(arg, "`map:`")?, arg.pos)),
                            Some(other) => {
                                return err(
                                    arg.pos,
                                    format!("unknown argument `{other}:` in `@relation`"),
                                );
                            }
                        }
                    }
                }
                rels.push(r);
            }
        }
        let forward = |r: &RelField| r.fields.is_some() || r.references.is_some();
        // belongs_to
        for r in rels.iter().filter(|r| forward(r)) {
            self.belongs_to(r)?;
        }
        // The other sides.
        for (ri, r) in rels.iter().enumerate().filter(|(_, r)| !forward(r)) {
            let m = &ast.models[r.model];
            let f = &m.fields[r.field];
            let matches: Vec<&RelField> = rels
                .iter()
                .filter(|x| {
                    forward(x)
                        && x.model == r.target
                        && x.target == r.model
                        && x.name == r.name
                        && (x.model, x.field) != (r.model, r.field)
                })
                .collect();
            if matches.len() > 1 {
                return err(
                    r.pos,
                    format!(
                        "field `{}`: several relations of `{}` point back at `{}`: name them with `@relation(\"Name\")` on both sides",
                        f.name, f.ty, m.name
                    ),
                );
            }
            if let Some(fwd) = matches.first() {
                let target_ident = self.models[r.target].ident.clone();
                let several = rels
                    .iter()
                    .filter(|x| forward(x) && x.model == r.target && x.target == r.model)
                    .count()
                    > 1;
                let inverse =
                    several.then(|| field_ident(&ast.models[fwd.model].fields[fwd.field].name));
                let kind = if r.list {
                    FieldKind::HasMany {
                        target: target_ident,
                        inverse,
                    }
                } else if r.optional {
                    FieldKind::HasOne {
                        target: target_ident,
                        inverse,
                    }
                } else {
                    return err(
                        r.pos,
                        format!(
                            "field `{}`: the side of a one-to-one relation without `fields:` must be optional (`{}?`)",
                            f.name, f.ty
                        ),
                    );
                };
                self.models[r.model].fields[r.field] = FieldPlan {
                    ident: field_ident(&f.name),
                    docs: f.docs.clone(),
                    kind,
                };
                continue;
            }
            // An implicit many-to-many relation: both sides are lists without `fields:`.
            let partners: Vec<(usize, &RelField)> = rels
                .iter()
                .enumerate()
                .filter(|(xi, x)| {
                    !forward(x)
                        && x.list
                        && x.model == r.target
                        && x.target == r.model
                        && x.name == r.name
                        && *xi != ri
                })
                .collect();
            if !r.list || partners.is_empty() {
                let needs = if r.list {
                    "a field with `@relation(fields: [..], references: [..])`"
                } else {
                    "the `fields:`/`references:` of this relation (on one side)"
                };
                return err(
                    r.pos,
                    format!(
                        "field `{}`: no relation field of `{}` points back at `{}` with the same relation name; add {needs}",
                        f.name, f.ty, m.name
                    ),
                );
            }
            if partners.len() > 1 {
                return err(
                    r.pos,
                    format!(
                        "field `{}`: several list fields of `{}` point back at `{}`: name the relations with `@relation(\"Name\")`",
                        f.name, f.ty, m.name
                    ),
                );
            }
            let (_, partner) = partners[0];
            self.many_to_many(r, partner)?;
        }
        Ok(())
    }

    fn belongs_to(&mut self, r: &RelField) -> Result<()> {
        let ast = self.ast;
        let m = &ast.models[r.model];
        let f = &m.fields[r.field];
        let target = &ast.models[r.target];
        let (Some(fields), Some(refs)) = (&r.fields, &r.references) else {
            return err(
                r.pos,
                format!(
                    "field `{}`: `@relation` needs both `fields:` and `references:`",
                    f.name
                ),
            );
        };
        if r.list {
            return err(
                r.pos,
                format!(
                    "field `{}`: a list relation field cannot hold `fields:`: put them on the single side",
                    f.name
                ),
            );
        }
        if fields.len() != 1 || refs.len() != 1 {
            return err(
                fields[0].1,
                format!(
                    "field `{}`: composite foreign keys (`fields: [a, b]`) are not supported: the derive's `belongs_to` holds one column",
                    f.name
                ),
            );
        }
        let (fk_name, fk_pos) = &fields[0];
        let (ref_name, ref_pos) = &refs[0];
        let Some(pk) = self.pk[r.target] else {
            return err(
                *ref_pos,
                format!(
                    "field `{}`: `{}` has a composite primary key: the derive's `belongs_to` references a single-column primary key",
                    f.name, target.name
                ),
            );
        };
        if target.fields[pk].name != *ref_name {
            return err(
                *ref_pos,
                format!(
                    "field `{}`: `references: [{ref_name}]` is not the primary key of `{}`: the derive's `belongs_to` references the primary key (`{}`)",
                    f.name, target.name, target.fields[pk].name
                ),
            );
        }
        let Some(fk_idx) = m.fields.iter().position(|x| x.name == *fk_name) else {
            return err(
                *fk_pos,
                format!("model `{}` has no field `{fk_name}`", m.name),
            );
        };
        let FieldKind::Scalar(fk) = &self.models[r.model].fields[fk_idx].kind else {
            return err(
                *fk_pos,
                format!(
                    "`{fk_name}` is a relation field: `fields:` names the scalar foreign-key field"
                ),
            );
        };
        if let FieldKind::Scalar(pk_plan) = &self.models[r.target].fields[pk].kind
            && pk_plan.rust != fk.rust
        {
            return err(
                *fk_pos,
                format!(
                    "field `{}`: the foreign key `{fk_name}` ({}) and the referenced `{}.{ref_name}` ({}) have different types",
                    f.name, fk.rust, target.name, pk_plan.rust
                ),
            );
        }
        if fk.optional != r.optional {
            let want = if fk.optional {
                format!("`{}?`", f.ty)
            } else {
                format!("`{}` without `?`", f.ty)
            };
            return err(
                r.pos,
                format!(
                    "field `{}`: the foreign key `{fk_name}` is {}, so the relation field must be {want}",
                    f.name,
                    if fk.optional { "optional" } else { "required" }
                ),
            );
        }
        let fk_column = fk.column.clone();
        let fk_ident = field_ident(fk_name);
        let on_delete = match &r.on_delete {
            Some((a, pos)) => {
                if a == "SetNull" && !fk.optional {
                    return err(
                        *pos,
                        format!(
                            "field `{}`: `onDelete: SetNull` needs an optional foreign key, and `{fk_name}` is required",
                            f.name
                        ),
                    );
                }
                a.clone()
            }
            None if r.optional => "SetNull".into(),
            None => "Restrict".into(),
        };
        if let Some((a, pos)) = &r.on_update
            && a == "SetNull"
            && !fk.optional
        {
            return err(
                *pos,
                format!(
                    "field `{}`: `onUpdate: SetNull` needs an optional foreign key, and `{fk_name}` is required",
                    f.name
                ),
            );
        }
        let on_update = r
            .on_update
            .as_ref()
            .map_or_else(|| "Cascade".to_owned(), |(a, _)| a.clone());
        if let Some((name, pos)) = &r.map {
            let default = orm_core::model::fit_identifier(&format!(
                "{}_{fk_column}_fkey",
                self.models[r.model].table
            ))
            .into_owned();
            if *name != default {
                return err(
                    *pos,
                    format!(
                        "`map: {name:?}`: custom constraint names are not supported: the derive names the foreign key `{default}` (Prisma's default)"
                    ),
                );
            }
        }
        self.models[r.model].fields[r.field] = FieldPlan {
            ident: field_ident(&f.name),
            docs: f.docs.clone(),
            kind: FieldKind::BelongsTo {
                fk: fk_ident,
                fk_column,
                target: r.target,
                optional: r.optional,
                on_delete,
                on_update,
            },
        };
        Ok(())
    }

    /// The relation table Prisma creates for an implicit many-to-many relation, as a model, and a
    /// `has_many` of it on each side.
    fn many_to_many(&mut self, r: &RelField, partner: &RelField) -> Result<()> {
        let ast = self.ast;
        let m = &ast.models[r.model];
        let f = &m.fields[r.field];
        for side in [r, partner] {
            if self.pk[side.model].is_none() {
                return err(
                    side.pos,
                    format!(
                        "field `{}`: an implicit many-to-many relation needs a single-field `@id` on `{}`",
                        ast.models[side.model].fields[side.field].name, ast.models[side.model].name
                    ),
                );
            }
        }
        // Prisma's conventions: columns `A` and `B` reference the models in the order of their
        // names; in a self-relation `A` is what the field that comes first by name lists.
        let self_relation = r.model == r.target;
        let (model_a, model_b) = if m.name <= ast.models[r.target].name {
            (r.model, r.target)
        } else {
            (r.target, r.model)
        };
        let table = match &r.name {
            Some(n) => format!("_{n}"),
            None => format!(
                "_{}To{}",
                ast.models[model_a].name, ast.models[model_b].name
            ),
        };
        let join = match self.joins.iter().position(|j| j.table == table) {
            Some(j) => j,
            None => {
                let mut ident = pascal(&table);
                while self.models.iter().any(|x| x.ident == ident)
                    || self.enums.iter().any(|e| e.ident == ident)
                    || self.joins.iter().any(|j| j.ident == ident)
                {
                    ident.push_str("Link");
                }
                let (rel_a, rel_b) = if self_relation {
                    let s = snake(&ast.models[model_a].name);
                    (format!("{s}_a"), format!("{s}_b"))
                } else {
                    let fix = |s: String| {
                        if s == "a" || s == "b" || KEYWORDS.contains(&s.as_str()) {
                            format!("{s}_ref")
                        } else {
                            s
                        }
                    };
                    (
                        fix(snake(&ast.models[model_a].name)),
                        fix(snake(&ast.models[model_b].name)),
                    )
                };
                let side = |x: &RelField| {
                    format!(
                        "{}.{}",
                        ast.models[x.model].name, ast.models[x.model].fields[x.field].name
                    )
                };
                let (first, second) = if side(r) <= side(partner) {
                    (r, partner)
                } else {
                    (partner, r)
                };
                self.joins.push(JoinPlan {
                    table: table.clone(),
                    ident,
                    model_a,
                    model_b,
                    rel_a,
                    rel_b,
                    sides: (side(first), side(second)),
                });
                self.joins.len() - 1
            }
        };
        let j = &self.joins[join];
        let join_ident = j.ident.clone();
        // The join rows whose own column holds this model's key.
        let own_is_a = if self_relation {
            // The field first by name lists the `A` rows of the join rows whose `B` is this row.
            let other = &m.fields[partner.field].name;
            f.name > *other
        } else {
            r.model == model_a
        };
        let inverse = self_relation.then(|| {
            if own_is_a {
                j.rel_a.clone()
            } else {
                j.rel_b.clone()
            }
        });
        let related = if own_is_a { &j.rel_b } else { &j.rel_a };
        let mut docs = f.docs.clone();
        if !docs.is_empty() {
            docs.push(String::new());
        }
        docs.push(format!(
            "Through Prisma's relation table `{}`: include `{}::{}` for the related `{}` rows.",
            j.table,
            j.ident,
            bare(related).to_uppercase(),
            f.ty
        ));
        self.models[r.model].fields[r.field] = FieldPlan {
            ident: field_ident(&f.name),
            docs,
            kind: FieldKind::HasMany {
                target: join_ident,
                inverse,
            },
        };
        Ok(())
    }

    /// The derive gives no `has_many`/`has_one` to a model with a composite primary key. (A
    /// `belongs_to` to such a model is refused above already, so this holds the rule should that
    /// change.)
    fn check_composite_key(&self, mi: usize) -> Result<()> {
        if self.pk[mi].is_some() {
            return Ok(());
        }
        let m = &self.ast.models[mi];
        for (fi, p) in self.models[mi].fields.iter().enumerate() {
            if matches!(p.kind, FieldKind::HasMany { .. } | FieldKind::HasOne { .. }) {
                return err(
                    m.fields[fi].pos,
                    format!(
                        "field `{}`: `{}` has a composite primary key (`@@id`), and the derive cannot give such a model `has_many`/`has_one` relations yet: remove this side of the relation or give `{}` a single-field `@id`",
                        m.fields[fi].name, m.name, m.name
                    ),
                );
            }
        }
        Ok(())
    }

    // -----------------------------------------------------------------------------------------
    // Rendering

    fn render(&self) -> String {
        let mut out = String::new();
        out.push_str("//! Models generated by `orm import prisma` from a Prisma schema.\n\n");
        out.push_str("#![allow(missing_docs)]\n\n");
        out.push_str("use orm_runtime::prelude::*;\n");
        for e in &self.enums {
            out.push('\n');
            docs(&mut out, &e.docs, "");
            out.push_str("#[derive(DbEnum, Debug, Clone, Copy, PartialEq, Eq)]\n");
            let _ = writeln!(out, "#[orm(name = {:?})]", e.db_name);
            let _ = writeln!(out, "pub enum {} {{", e.ident);
            for v in &e.variants {
                docs(&mut out, &v.docs, "    ");
                let _ = writeln!(out, "    #[orm(rename = {:?})]", v.db);
                let _ = writeln!(out, "    {},", v.ident);
            }
            out.push_str("}\n");
        }
        for m in &self.models {
            out.push('\n');
            self.render_model(&mut out, m);
        }
        for j in &self.joins {
            out.push('\n');
            self.render_join(&mut out, j);
        }
        out.push_str("\n/// Every model above.\npub fn schema() -> orm_runtime::Schema {\n    orm_runtime::Schema::new()");
        for m in &self.models {
            let _ = write!(out, "\n        .model::<{}>()", m.ident);
        }
        for j in &self.joins {
            let _ = write!(out, "\n        .model::<{}>()", j.ident);
        }
        out.push_str("\n}\n");
        out
    }

    fn render_model(&self, out: &mut String, m: &ModelPlan) {
        docs(out, &m.docs, "");
        for n in &m.notes {
            let _ = writeln!(out, "// Note: {n}.");
        }
        out.push_str("#[derive(Model, Debug, Clone, PartialEq)]\n");
        let mut keys = vec![format!("table = {:?}", m.table)];
        keys.extend(m.struct_keys.iter().cloned());
        let _ = writeln!(out, "#[orm({})]", keys.join(", "));
        let _ = writeln!(out, "pub struct {} {{", m.ident);
        for p in &m.fields {
            docs(out, &p.docs, "    ");
            match &p.kind {
                FieldKind::Scalar(s) => {
                    if !s.keys.is_empty() {
                        let _ = writeln!(out, "    #[orm({})]", s.keys.join(", "));
                    }
                    let ty = if s.optional {
                        format!("Option<{}>", s.rust)
                    } else {
                        s.rust.clone()
                    };
                    let _ = writeln!(out, "    pub {}: {ty},", p.ident);
                }
                FieldKind::BelongsTo {
                    fk,
                    fk_column,
                    target,
                    optional,
                    on_delete,
                    on_update,
                } => {
                    let index = if m.covered.contains(fk_column) {
                        ""
                    } else {
                        ", index = false"
                    };
                    let _ = writeln!(
                        out,
                        "    #[orm(belongs_to(fk = {fk}, on_delete = {on_delete}, on_update = {on_update}{index}))]"
                    );
                    let t = &self.models[*target].ident;
                    let ty = if *optional {
                        format!("BelongsTo<Option<{t}>>")
                    } else {
                        format!("BelongsTo<{t}>")
                    };
                    let _ = writeln!(out, "    pub {}: {ty},", p.ident);
                }
                FieldKind::HasMany { target, inverse } | FieldKind::HasOne { target, inverse } => {
                    let (kind, ty) = if matches!(p.kind, FieldKind::HasMany { .. }) {
                        ("has_many", "HasMany")
                    } else {
                        ("has_one", "HasOne")
                    };
                    match inverse {
                        Some(i) => {
                            let _ = writeln!(out, "    #[orm({kind}(inverse = {i}))]");
                        }
                        None => {
                            let _ = writeln!(out, "    #[orm({kind})]");
                        }
                    }
                    let _ = writeln!(out, "    pub {}: {ty}<{target}>,", p.ident);
                }
            }
        }
        out.push_str("}\n");
    }

    fn render_join(&self, out: &mut String, j: &JoinPlan) {
        let key = |model: usize| -> (String, Option<String>) {
            let pk = self.pk[model].unwrap_or(0);
            match &self.models[model].fields[pk].kind {
                FieldKind::Scalar(s) => (s.rust.clone(), s.db_type.clone()),
                _ => ("String".into(), None),
            }
        };
        let a = &self.ast.models[j.model_a].name;
        let b = &self.ast.models[j.model_b].name;
        let _ = writeln!(
            out,
            "/// The relation table Prisma creates for the implicit many-to-many relation `{}` / `{}`:",
            j.sides.0, j.sides.1
        );
        let _ = writeln!(
            out,
            "/// `A` holds the key of a `{a}`, `B` the key of a `{b}`."
        );
        let (pkey, idx, prisma) = match self.d.backend {
            Backend::Postgres => (
                format!("{}_pkey", j.table),
                format!("{}_B_idx", j.table),
                format!("primary key `{}_AB_pkey`", j.table),
            ),
            _ => (
                format!("{}_pkey", j.table),
                format!("{}_B_idx", j.table),
                format!("unique index `{}_AB_unique` (and no primary key)", j.table),
            ),
        };
        let _ = writeln!(
            out,
            "// Note: Prisma names its {prisma} and its index `{}_B_index`; the derive names them `{pkey}` and `{idx}`.",
            j.table
        );
        out.push_str("#[derive(Model, Debug, Clone, PartialEq)]\n");
        let _ = writeln!(out, "#[orm(table = {:?}, id(a, b), index(b))]", j.table);
        let _ = writeln!(out, "pub struct {} {{", j.ident);
        for (field, column, model) in [("a", "A", j.model_a), ("b", "B", j.model_b)] {
            let (rust, db_type) = key(model);
            let mut keys = vec![format!("column = {column:?}")];
            if let Some(t) = db_type {
                keys.push(format!("db_type = {t:?}"));
            }
            let _ = writeln!(out, "    #[orm({})]", keys.join(", "));
            let _ = writeln!(out, "    pub {field}: {rust},");
        }
        for (rel, fk, model) in [(&j.rel_a, "a", j.model_a), (&j.rel_b, "b", j.model_b)] {
            let _ = writeln!(
                out,
                "    #[orm(belongs_to(fk = {fk}, on_delete = Cascade, on_update = Cascade))]"
            );
            let _ = writeln!(
                out,
                "    pub {rel}: BelongsTo<{}>,",
                self.models[model].ident
            );
        }
        out.push_str("}\n");
    }
}

/// The column name of a scalar field (`@map`, else the field name).
fn column_name(f: &FieldAst) -> Result<String> {
    match f.attrs.iter().find(|a| a.name == "map") {
        Some(a) => map_arg(a),
        None => Ok(f.name.clone()),
    }
}

fn docs(out: &mut String, lines: &[String], indent: &str) {
    for l in lines {
        if l.is_empty() {
            let _ = writeln!(out, "{indent}///");
        } else {
            let _ = writeln!(out, "{indent}/// {l}");
        }
    }
}

/// A decimal literal as mantissa and scale (`-1.50` → `(-150, 2)`).
fn decimal_parts(n: &str) -> Option<(i128, u32)> {
    let (neg, digits) = match n.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, n),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if int.is_empty() || !int.chars().chain(frac.chars()).all(|c| c.is_ascii_digit()) {
        return None;
    }
    let scale = u32::try_from(frac.len()).ok().filter(|s| *s <= 28)?;
    let mantissa: i128 = format!("{int}{frac}").parse().ok()?;
    Some((if neg { -mantissa } else { mantissa }, scale))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PG: Dialect = Dialect::POSTGRES;

    fn import(src: &str) -> String {
        import_prisma(src, PG).unwrap_or_else(|e| panic!("{e}"))
    }

    fn fails(src: &str) -> PrismaImportError {
        match import_prisma(src, PG) {
            Ok(out) => panic!("expected an error, got\n{out}"),
            Err(e) => e,
        }
    }

    fn has(out: &str, want: &str) {
        assert!(out.contains(want), "missing {want:?} in\n{out}");
    }

    #[test]
    fn snake_case_names() {
        assert_eq!(snake("providerAccountId"), "provider_account_id");
        assert_eq!(snake("refresh_token"), "refresh_token");
        assert_eq!(snake("HTTPStatus"), "http_status");
        assert_eq!(snake("userID"), "user_id");
        assert_eq!(snake("A"), "a");
        assert_eq!(field_ident("type"), "r#type");
        assert_eq!(field_ident("self"), "self_");
        assert_eq!(variant_ident("IN_PROGRESS"), "InProgress");
        assert_eq!(variant_ident("inProgress"), "InProgress");
        assert_eq!(pascal("user_settings"), "UserSettings");
        assert_eq!(decimal_parts("-1.50"), Some((-150, 2)));
        assert_eq!(decimal_parts("3"), Some((3, 0)));
        assert_eq!(decimal_parts("1e3"), None);
    }

    #[test]
    fn syntax_errors_name_line_and_column() {
        let e = fails("model User {\n  id String @id\n  name String @default(\"x\"\n}\n");
        assert_eq!((e.line, e.column), (4, 1), "{e}");
        assert_eq!(e.message, "expected `,` or `)`, found `}`");
        let e = fails("model User {\n  id String @id\n  name String @default(\"x)\n}\n");
        assert_eq!((e.line, e.column), (3, 24), "{e}");
        assert!(e.message.starts_with("unterminated string"), "{e}");
        let e = fails("model User {\n  id String @id\n");
        assert_eq!((e.line, e.column), (1, 7), "{e}");
        assert!(e.message.contains("not closed"), "{e}");
        let e = fails("model User {\n  id String @id #\n}\n");
        assert_eq!((e.line, e.column), (2, 17), "{e}");
        assert_eq!(e.message, "unexpected character `#`");
        let e = fails("modle User {\n}\n");
        assert_eq!((e.line, e.column), (1, 1), "{e}");
        assert_eq!(
            e.message,
            "expected `model`, `enum`, `datasource` or `generator`, found `modle`"
        );
        let e = fails("model User {\n  id String @id name String\n}\n");
        assert_eq!((e.line, e.column), (2, 17), "{e}");
        assert_eq!(e.message, "expected the end of the line, found `name`");
        assert_eq!(
            e.to_string(),
            "line 2, column 17: expected the end of the line, found `name`"
        );
    }

    #[test]
    fn unsupported_constructs_name_their_line() {
        let cases: &[(&str, usize, &str)] = &[
            (
                "model A {\n  id String @id @default(dbgenerated(\"gen_random_uuid()\"))\n}\n",
                2,
                "dbgenerated",
            ),
            (
                "model A {\n  id Int @id\n  tags String[]\n}\n",
                3,
                "scalar lists",
            ),
            ("type Address {\n  street String\n}\n", 1, "composite types"),
            ("view V {\n  id Int @id\n}\n", 1, "views"),
            (
                "model A {\n  id Int @id @foo\n}\n",
                2,
                "unknown attribute `@foo`",
            ),
            (
                "model A {\n  id Int @id\n  @@foo([id])\n}\n",
                3,
                "unknown attribute `@@foo`",
            ),
            (
                "model A {\n  id Int @id\n  loc Unsupported(\"point\")\n}\n",
                3,
                "Unsupported",
            ),
            (
                "model A {\n  id Int @id\n  n Int @ignore\n}\n",
                3,
                "@ignore",
            ),
            (
                "model A {\n  id Int @id\n  n Int\n  @@index([n], map: \"my_idx\")\n}\n",
                4,
                "custom constraint names",
            ),
            (
                "model A {\n  id Int @id\n  n Int\n  @@index([n(sort: Desc)])\n}\n",
                4,
                "sort:",
            ),
            (
                "model A {\n  id Int @id\n  n Int\n  @@index([n], type: Hash)\n}\n",
                4,
                "`type:`",
            ),
            (
                "model A {\n  id Int @id\n  n String @db.Inet\n}\n",
                3,
                "@db.Inet",
            ),
            (
                "model A {\n  id Int @id\n  n Int @default(autoincrement())\n}\n",
                3,
                "autoincrement()",
            ),
            (
                "model A {\n  id String @id @default(nanoid())\n}\n",
                2,
                "nanoid",
            ),
            ("model A {\n  name String @unique\n}\n", 1, "no primary key"),
            (
                "model A {\n  id Int @id\n  n Money\n}\n",
                3,
                "unknown type `Money`",
            ),
            (
                "datasource db {\n  provider = \"mongodb\"\n}\n",
                2,
                "provider `mongodb`",
            ),
            (
                "datasource db {\n  provider = \"mysql\"\n  relationMode = \"prisma\"\n}\n",
                3,
                "relationMode",
            ),
            (
                "model A {\n  id Int @id\n  @@schema(\"x\")\n}\n",
                3,
                "@@schema",
            ),
            (
                "model A {\n  id Int @id\n  bs B[]\n}\nmodel B {\n  id Int @id\n  a1 Int\n  a2 Int\n  a A @relation(fields: [a1, a2], references: [id, id])\n}\n",
                9,
                "composite foreign keys",
            ),
            (
                "model A {\n  id Int @id\n  code String @unique\n  bs B[]\n}\nmodel B {\n  id Int @id\n  code String\n  a A @relation(fields: [code], references: [code])\n}\n",
                9,
                "not the primary key",
            ),
            (
                "model A {\n  x Int\n  y Int\n  bs B[]\n  @@id([x, y])\n}\nmodel B {\n  id Int @id\n  ax Int\n  a A @relation(fields: [ax], references: [x])\n}\n",
                10,
                "composite primary key",
            ),
            (
                "model A {\n  id Int @id\n  bs B[]\n}\nmodel B {\n  id Int @id\n}\n",
                3,
                "no relation field of `B` points back",
            ),
        ];
        for (src, line, needle) in cases {
            let e = fails(src);
            assert_eq!(e.line, *line, "{src}: {e}");
            assert!(e.message.contains(needle), "{src}: {e}");
        }
    }

    #[test]
    fn types_per_provider() {
        let src = r#"
enum Status {
  ACTIVE
  IN_PROGRESS @map("in-progress")
  @@map("status_kind")
}
model Sample {
  id       BigInt   @id @default(autoincrement())
  name     String   @db.VarChar(40)
  body     String   @db.Text
  price    Decimal  @default(1.50)
  ratio    Float    @default(1)
  small    Int      @db.SmallInt @default(-3)
  at       DateTime @db.Timestamptz(6)
  day      DateTime @db.Date
  data     Json     @default("{}")
  raw      Bytes?
  status   Status   @default(IN_PROGRESS)
  uid      String   @db.Uuid @default(uuid())
  @@index([name, day])
}
"#;
        let pg = import(src);
        for want in [
            "#[orm(name = \"status_kind\")]\npub enum Status {\n    #[orm(rename = \"ACTIVE\")]\n    Active,\n    #[orm(rename = \"in-progress\")]\n    InProgress,\n}",
            "#[orm(table = \"Sample\", index(name, day))]",
            "#[orm(id, default = autoincrement)]\n    pub id: i64,",
            "#[orm(db_type = \"VARCHAR(40)\")]\n    pub name: String,",
            "    pub body: String,",
            "#[orm(default = rust_decimal::Decimal::from_i128_with_scale(150, 2))]\n    pub price: rust_decimal::Decimal,",
            "#[orm(default = 1.0)]\n    pub ratio: f64,",
            "#[orm(default = -3)]\n    pub small: i16,",
            "#[orm(db_type = \"timestamptz(6)\")]\n    pub at: chrono::DateTime<chrono::Utc>,",
            "    pub day: chrono::NaiveDate,",
            "pub data: serde_json::Value,",
            "pub raw: Option<Vec<u8>>,",
            "#[orm(default = Status::InProgress)]\n    pub status: Status,",
            "#[orm(default = uuid)]\n    pub uid: uuid::Uuid,",
        ] {
            has(&pg, want);
        }
        let my = import_prisma(
            &src.replace(" @db.Timestamptz(6)", "")
                .replace(" @db.Uuid", ""),
            Dialect::MYSQL,
        )
        .unwrap();
        for want in [
            "#[orm(db_type = \"VARCHAR(40)\")]\n    pub name: String,",
            "#[orm(db_type = \"TEXT\")]\n    pub body: String,",
            "#[orm(db_type = \"datetime(3)\")]\n    pub at: chrono::DateTime<chrono::Utc>,",
            "#[orm(default = uuid)]\n    pub uid: String,",
        ] {
            has(&my, want);
        }
        let e = import_prisma(src, Dialect::MYSQL).unwrap_err();
        assert_eq!(e.line, 14, "{e}");
        assert!(
            e.message
                .contains("not supported on MySQL/MariaDB; supported: @db.DateTime(p)"),
            "{e}"
        );
        let lite = import_prisma(
            "model A {\n  id Int @id\n  at DateTime\n  d Decimal\n  j Json\n  b Boolean\n}\n",
            Dialect::SQLITE,
        )
        .unwrap();
        for want in [
            "#[orm(db_type = \"datetime\")]\n    pub at: chrono::DateTime<chrono::Utc>,",
            "#[orm(db_type = \"decimal\")]\n    pub d: rust_decimal::Decimal,",
            "#[orm(db_type = \"jsonb\")]\n    pub j: serde_json::Value,",
            "    pub b: bool,",
        ] {
            has(&lite, want);
        }
        let e = import_prisma(
            "model A {\n  id Int @id\n  s String @db.Text\n}\n",
            Dialect::SQLITE,
        )
        .unwrap_err();
        assert_eq!(e.line, 3);
    }

    #[test]
    fn docs_names_and_relations() {
        let src = r#"
/// A person.
model Person {
  id      String  @id @default(cuid())
  /// Shown to others.
  nick    String  @map("nick_name") /// Unique per person.
  type    String
  mentor  Person? @relation("Mentoring", fields: [mentorId], references: [id])
  mentorId String? @unique
  mentee  Person? @relation("Mentoring")
  friends Person[] @relation("Friends")
  friendOf Person[] @relation("Friends")
  @@map("people")
}
"#;
        let out = import(src);
        for want in [
            "/// A person.\n#[derive(Model, Debug, Clone, PartialEq)]\n#[orm(table = \"people\")]\npub struct Person {",
            "    /// Shown to others.\n    /// Unique per person.\n    #[orm(column = \"nick_name\")]\n    pub nick: String,",
            "    pub r#type: String,",
            "    #[orm(belongs_to(fk = mentor_id, on_delete = SetNull, on_update = Cascade))]\n    pub mentor: BelongsTo<Option<Person>>,",
            "    #[orm(unique, column = \"mentorId\")]\n    pub mentor_id: Option<String>,",
            "    #[orm(has_one)]\n    pub mentee: HasOne<Person>,",
            "    #[orm(has_many(inverse = person_b))]\n    pub friend_of: HasMany<Friends>,",
            "    #[orm(has_many(inverse = person_a))]\n    pub friends: HasMany<Friends>,",
            "#[orm(table = \"_Friends\", id(a, b), index(b))]\npub struct Friends {",
            "    #[orm(belongs_to(fk = a, on_delete = Cascade, on_update = Cascade))]\n    pub person_a: BelongsTo<Person>,",
            "        .model::<Person>()\n        .model::<Friends>()\n}",
        ] {
            has(&out, want);
        }
    }

    #[test]
    fn implicit_many_to_many_relation_table() {
        let out = import(
            "model Post {\n  id Int @id @default(autoincrement())\n  categories Category[]\n}\nmodel Category {\n  id String @id @default(cuid())\n  posts Post[]\n}\n",
        );
        for want in [
            "#[orm(table = \"_CategoryToPost\", id(a, b), index(b))]\npub struct CategoryToPost {\n    #[orm(column = \"A\")]\n    pub a: String,\n    #[orm(column = \"B\")]\n    pub b: i32,\n    #[orm(belongs_to(fk = a, on_delete = Cascade, on_update = Cascade))]\n    pub category: BelongsTo<Category>,\n    #[orm(belongs_to(fk = b, on_delete = Cascade, on_update = Cascade))]\n    pub post: BelongsTo<Post>,\n}",
            "    #[orm(has_many)]\n    pub categories: HasMany<CategoryToPost>,",
            "    #[orm(has_many)]\n    pub posts: HasMany<CategoryToPost>,",
            "include `CategoryToPost::CATEGORY` for the related `Category` rows",
        ] {
            has(&out, want);
        }
    }

    #[test]
    fn datasource_provider() {
        assert_eq!(
            prisma_dialect("datasource db {\n  provider = \"postgresql\"\n  url = env(\"DATABASE_URL\")\n  extensions = [pgcrypto, uuid_ossp(map: \"uuid-ossp\")]\n}\n").unwrap(),
            Some(Dialect::POSTGRES)
        );
        assert_eq!(
            prisma_dialect("generator client {\n  provider = \"prisma-client-js\"\n}\n").unwrap(),
            None
        );
        let e = prisma_dialect("datasource db {\n  provider = env(\"P\")\n}\n").unwrap_err();
        assert_eq!((e.line, e.column), (2, 14));
    }
}
