//! The arithmetic of a `derived` figure: `derived: "3759 - 964"` is evaluated, and
//! each of its operands must be a figure the article states.

/// Evaluates an arithmetic expression of numbers with + - * / and parentheses.
/// Returns the value and the numbers it uses, or why it cannot.
pub fn evaluate(expr: &str) -> Result<(f64, Vec<f64>), String> {
    /// Deeper nesting than any real formula needs; the parser recurses per level, so
    /// without a bound 20,000 `(` would overflow the stack.
    const MAX_DEPTH: usize = 64;
    struct P<'a> {
        s: &'a [u8],
        i: usize,
        depth: usize,
        operands: Vec<f64>,
    }
    impl P<'_> {
        fn ws(&mut self) {
            while self.s.get(self.i).is_some_and(|c| c.is_ascii_whitespace()) {
                self.i += 1;
            }
        }
        fn expr(&mut self) -> Result<f64, String> {
            let mut v = self.term()?;
            loop {
                self.ws();
                match self.s.get(self.i) {
                    Some(b'+') => {
                        self.i += 1;
                        v += self.term()?;
                    }
                    Some(b'-') => {
                        self.i += 1;
                        v -= self.term()?;
                    }
                    _ => return Ok(v),
                }
            }
        }
        fn term(&mut self) -> Result<f64, String> {
            let mut v = self.atom()?;
            loop {
                self.ws();
                match self.s.get(self.i) {
                    Some(b'*') => {
                        self.i += 1;
                        v *= self.atom()?;
                    }
                    Some(b'/') => {
                        self.i += 1;
                        let d = self.atom()?;
                        if d == 0.0 {
                            return Err("division by zero".into());
                        }
                        v /= d;
                    }
                    _ => return Ok(v),
                }
            }
        }
        fn atom(&mut self) -> Result<f64, String> {
            self.ws();
            if self.s.get(self.i) == Some(&b'(') {
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    return Err(format!(
                        "parentheses nested more than {MAX_DEPTH} deep at position {}",
                        self.i + 1
                    ));
                }
                self.i += 1;
                let v = self.expr()?;
                self.depth -= 1;
                self.ws();
                if self.s.get(self.i) != Some(&b')') {
                    return Err("a `(` is not closed".into());
                }
                self.i += 1;
                return Ok(v);
            }
            let start = self.i;
            while self
                .s
                .get(self.i)
                .is_some_and(|c| c.is_ascii_digit() || *c == b'.')
            {
                self.i += 1;
            }
            let text = std::str::from_utf8(&self.s[start..self.i]).unwrap_or_default();
            let v: f64 = text
                .parse()
                .map_err(|_| format!("expected a number at position {}", start + 1))?;
            self.operands.push(v);
            Ok(v)
        }
    }
    let mut p = P {
        s: expr.as_bytes(),
        i: 0,
        depth: 0,
        operands: Vec::new(),
    };
    let v = p.expr()?;
    p.ws();
    if p.i != expr.len() {
        return Err(format!("unexpected `{}`", &expr[p.i..]));
    }
    Ok((v, p.operands))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expressions() {
        assert_eq!(
            evaluate("3759 - 964").unwrap(),
            (2795.0, vec![3759.0, 964.0])
        );
        assert_eq!(evaluate("(1 + 2) * 3 / 2").unwrap().0, 4.5);
        assert!(evaluate("3759 -").is_err());
        assert!(evaluate("1 / 0").is_err());
        assert!(evaluate("3759 x 2").is_err());
    }

    #[test]
    fn deep_parentheses_are_an_error_not_a_stack_overflow() {
        let deep = format!("{}1{}", "(".repeat(20_000), ")".repeat(20_000));
        let e = evaluate(&deep).unwrap_err();
        assert!(e.contains("nested more than"), "{e}");
        let ok = format!("{}1{}", "(".repeat(64), ")".repeat(64));
        assert_eq!(evaluate(&ok).unwrap().0, 1.0);
    }
}
