//! Splits an expression string into tokens with byte spans.

use super::ast::Span;
use super::error::{ErrorKind, ExprError};

/// The kinds of tokens.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum TokenKind {
    /// A number literal and its value.
    Number(f64),
    /// An identifier (`[A-Za-z_][A-Za-z0-9_]*`); its text is the token's span.
    Ident,
    /// `+`
    Plus,
    /// `-`
    Minus,
    /// `*`
    Star,
    /// `/`
    Slash,
    /// `^` (or `**`)
    Caret,
    /// `@`
    At,
    /// `(`
    LParen,
    /// `)`
    RParen,
    /// `[`
    LBracket,
    /// `]`
    RBracket,
    /// `:`
    Colon,
    /// `,`
    Comma,
    /// `=`
    Eq,
    /// `==`
    EqEq,
    /// `<=`
    Le,
    /// `>=`
    Ge,
    /// `<` (an error: constraints are not strict)
    Lt,
    /// `>` (an error: constraints are not strict)
    Gt,
    /// The end of the text.
    End,
}

/// A token and where it is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Token {
    /// What it is.
    pub kind: TokenKind,
    /// Where it is (bytes).
    pub span: Span,
}

fn is_ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}

fn is_ident_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// Tokenize `text`; the last token is always [`TokenKind::End`].
pub fn tokenize(text: &str) -> Result<Vec<Token>, ExprError> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::with_capacity(text.len() / 2 + 1);
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        let single = |kind| (kind, 1);
        let (kind, len) = match c {
            b' ' | b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            b'0'..=b'9' | b'.' => {
                let (value, len) = lex_number(text, start)?;
                (TokenKind::Number(value), len)
            }
            c if is_ident_start(c) => {
                let len = bytes[start..]
                    .iter()
                    .take_while(|&&c| is_ident_char(c))
                    .count();
                (TokenKind::Ident, len)
            }
            b'+' => single(TokenKind::Plus),
            b'-' => single(TokenKind::Minus),
            b'*' if bytes.get(i + 1) == Some(&b'*') => (TokenKind::Caret, 2),
            b'*' => single(TokenKind::Star),
            b'/' => single(TokenKind::Slash),
            b'^' => single(TokenKind::Caret),
            b'@' => single(TokenKind::At),
            b'(' => single(TokenKind::LParen),
            b')' => single(TokenKind::RParen),
            b'[' => single(TokenKind::LBracket),
            b']' => single(TokenKind::RBracket),
            b':' => single(TokenKind::Colon),
            b',' => single(TokenKind::Comma),
            b'=' if bytes.get(i + 1) == Some(&b'=') => (TokenKind::EqEq, 2),
            b'=' => single(TokenKind::Eq),
            b'<' if bytes.get(i + 1) == Some(&b'=') => (TokenKind::Le, 2),
            b'>' if bytes.get(i + 1) == Some(&b'=') => (TokenKind::Ge, 2),
            b'<' => single(TokenKind::Lt),
            b'>' => single(TokenKind::Gt),
            _ => {
                let ch = text[start..].chars().next().unwrap_or('?');
                return Err(ExprError::new(
                    ErrorKind::Syntax {
                        message: format!("unexpected character '{ch}'"),
                    },
                    Span::new(start, start + ch.len_utf8()),
                ));
            }
        };
        i += len;
        tokens.push(Token {
            kind,
            span: Span::new(start, i),
        });
    }
    tokens.push(Token {
        kind: TokenKind::End,
        span: Span::new(text.len(), text.len()),
    });
    Ok(tokens)
}

/// Lex `digits [. digits] [(e|E) [+|-] digits]` at `start`; anything glued to
/// it that could continue a number or a name makes it a bad literal.
fn lex_number(text: &str, start: usize) -> Result<(f64, usize), ExprError> {
    let bytes = text.as_bytes();
    let digits = |mut i: usize| {
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        i
    };
    let mut i = digits(start);
    let mut mantissa_digits = i - start;
    if i < bytes.len() && bytes[i] == b'.' {
        let after = digits(i + 1);
        mantissa_digits += after - (i + 1);
        i = after;
    }
    let mut ok = mantissa_digits > 0;
    if ok && i < bytes.len() && (bytes[i] == b'e' || bytes[i] == b'E') {
        let mut j = i + 1;
        if j < bytes.len() && (bytes[j] == b'+' || bytes[j] == b'-') {
            j += 1;
        }
        let after = digits(j);
        if after > j {
            i = after;
        } else {
            ok = false;
            i = j;
        }
    }
    // Whatever is glued on (`1.2.3`, `2x`, `1e`) belongs to the bad literal.
    if i < bytes.len() && (is_ident_char(bytes[i]) || bytes[i] == b'.') {
        ok = false;
    }
    if !ok {
        while i < bytes.len() && (is_ident_char(bytes[i]) || bytes[i] == b'.') {
            i += 1;
        }
        return Err(ExprError::new(
            ErrorKind::BadNumber {
                literal: text[start..i].to_string(),
            },
            Span::new(start, i),
        ));
    }
    let literal = &text[start..i];
    match literal.parse::<f64>() {
        Ok(value) if value.is_finite() => Ok((value, i - start)),
        _ => Err(ExprError::new(
            ErrorKind::Syntax {
                message: format!("number literal '{literal}' is out of range of a 64-bit float"),
            },
            Span::new(start, i),
        )),
    }
}
