//! The eleven rune conditions (runes README, "Rune Language";
//! `enum rune_condition` in `ccan/rune/rune.h`).

/// How an alternative compares a field to its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Condition {
    /// `!`: pass if the field is missing (value ignored).
    IfMissing,
    /// `=`: pass if present and exactly equal.
    Equal,
    /// `/`: pass if present and not exactly equal.
    NotEqual,
    /// `^`: pass if present and begins with the value.
    BeginsWith,
    /// `$`: pass if present and ends with the value.
    EndsWith,
    /// `~`: pass if present and contains the value.
    Contains,
    /// `<`: pass if present, an integer, and numerically less.
    IntLess,
    /// `>`: pass if present, an integer, and numerically greater.
    IntGreater,
    /// `{`: pass if present and lexicographically before (or a prefix).
    LexoBefore,
    /// `}`: pass if present and lexicographically after (or longer).
    LexoAfter,
    /// `#`: always pass; a comment.
    Comment,
}

impl Condition {
    /// All conditions, in README order.
    pub const ALL: [Condition; 11] = [
        Condition::IfMissing,
        Condition::Equal,
        Condition::NotEqual,
        Condition::BeginsWith,
        Condition::EndsWith,
        Condition::Contains,
        Condition::IntLess,
        Condition::IntGreater,
        Condition::LexoAfter,
        Condition::LexoBefore,
        Condition::Comment,
    ];

    /// The condition's character.
    pub fn as_char(self) -> char {
        match self {
            Condition::IfMissing => '!',
            Condition::Equal => '=',
            Condition::NotEqual => '/',
            Condition::BeginsWith => '^',
            Condition::EndsWith => '$',
            Condition::Contains => '~',
            Condition::IntLess => '<',
            Condition::IntGreater => '>',
            Condition::LexoBefore => '{',
            Condition::LexoAfter => '}',
            Condition::Comment => '#',
        }
    }

    /// The condition for a character, if it is one.
    pub fn from_char(c: char) -> Option<Condition> {
        Condition::ALL.into_iter().find(|cond| cond.as_char() == c)
    }

    /// The condition for a byte, if it is one.
    pub fn from_byte(b: u8) -> Option<Condition> {
        Condition::from_char(char::from(b))
    }
}

impl std::fmt::Display for Condition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.as_char())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chars_round_trip_and_are_distinct() {
        let chars: Vec<char> = Condition::ALL.iter().map(|c| c.as_char()).collect();
        let mut sorted = chars.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), 11);
        for c in Condition::ALL {
            assert_eq!(Condition::from_char(c.as_char()), Some(c));
        }
        for bad in [
            '"', '&', '\'', '(', ')', '*', '+', '-', '.', ':', ';', '?', '[', '\\', ']', '`', '|',
        ] {
            assert_eq!(Condition::from_char(bad), None);
        }
    }
}
