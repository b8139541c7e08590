//! A small macro for switches that are chosen by name (case-insensitive, `-`/`_`
//! ignored), so that the CLI can pass user strings straight through.

/// Normalises a user-supplied name: lower case, without `-`, `_` and spaces.
pub(crate) fn normalise(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, '-' | '_' | ' '))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Declares a `Copy` enum whose variants can be parsed from and printed as names.
macro_rules! named_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? } default $default:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl Default for $name {
            fn default() -> Self {
                $name::$default
            }
        }

        impl $name {
            /// Every accepted name, in declaration order.
            pub const NAMES: &'static [&'static str] = &[$($text),+];

            /// The canonical name.
            pub fn name(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.name())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::error::Error;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let n = $crate::names::normalise(s);
                $(if n == $crate::names::normalise($text) {
                    return Ok($name::$variant);
                })+
                Err($crate::error::Error::UnknownName {
                    what: format!("value of {}", stringify!($name)),
                    given: s.to_string(),
                    allowed: Self::NAMES.join(", "),
                })
            }
        }
    };
}

pub(crate) use named_enum;
