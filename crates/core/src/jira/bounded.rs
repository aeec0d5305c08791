//! Deserializers that bound what a server's JSON can make ConnKeeper keep: texts cut to
//! a length, identifiers refused past one, lists and maps refused past a count. Each
//! refuses (or cuts) while parsing, so a hostile answer never grows into a large value
//! first. Used by the wire shapes of `dto.rs` and `admin.rs` through
//! `#[serde(deserialize_with = ...)]`.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

/// The longest text kept from a server (a name, a label, a display name), in characters;
/// Jira's own limits are far lower (a space name has at most 80).
pub const TEXT_MAX: usize = 255;
/// The longest identifier accepted (an id, a key, an account id, a product key), in
/// bytes; a longer one makes the whole answer invalid.
pub const ID_MAX: usize = 128;
/// The longest email address accepted (RFC 5321 allows 254 in a path).
pub const EMAIL_MAX: usize = 320;
/// The most items accepted in one list or map of one answer (Jira pages hold at most
/// 100; a bulk check answers at most 1,000 spaces).
pub const ITEMS_MAX: usize = 10_000;

/// `s` cut to [`TEXT_MAX`] characters, with an ellipsis when it was longer.
fn cut(s: &str) -> String {
    match s.char_indices().nth(TEXT_MAX) {
        None => s.to_owned(),
        Some((at, _)) => {
            let mut out = s[..at].to_owned();
            out.push('…');
            out
        }
    }
}

struct StrVisitor<F>(F, &'static str);

impl<F: Fn(&str) -> Result<String, String>> Visitor<'_> for StrVisitor<F> {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.1)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        (self.0)(v).map_err(E::custom)
    }
}

fn limited<'de, D: Deserializer<'de>>(
    d: D,
    max: usize,
    what: &'static str,
) -> Result<String, D::Error> {
    d.deserialize_str(StrVisitor(
        move |v: &str| {
            if v.len() > max {
                Err(format!("{what} longer than {max} bytes"))
            } else {
                Ok(v.to_owned())
            }
        },
        what,
    ))
}

/// A text, cut to [`TEXT_MAX`] characters.
pub fn text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    d.deserialize_str(StrVisitor(|v: &str| Ok(cut(v)), "a string"))
}

/// An optional text (`null` or absent: `None`), cut to [`TEXT_MAX`] characters.
pub fn opt_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    struct T(#[serde(deserialize_with = "text")] String);
    Ok(Option::<T>::deserialize(d)?.map(|t| t.0))
}

/// An optional URL or cursor (a page's `next` link) of at most 4,096 bytes.
pub fn opt_text_long<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    struct T(#[serde(deserialize_with = "link")] String);
    Ok(Option::<T>::deserialize(d)?.map(|t| t.0))
}

fn link<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    limited(d, 4096, "a link")
}

/// An identifier of at most [`ID_MAX`] bytes; a longer one is an error.
pub fn id<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    limited(d, ID_MAX, "an identifier")
}

/// An optional identifier of at most [`ID_MAX`] bytes.
pub fn opt_id<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    struct T(#[serde(deserialize_with = "id")] String);
    Ok(Option::<T>::deserialize(d)?.map(|t| t.0))
}

/// An optional email address of at most [`EMAIL_MAX`] bytes.
pub fn opt_email<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    struct T(#[serde(deserialize_with = "email")] String);
    Ok(Option::<T>::deserialize(d)?.map(|t| t.0))
}

fn email<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    limited(d, EMAIL_MAX, "an email address")
}

/// An identifier that Jira sends as a string or a number (service desk ids), as text.
pub fn opt_id_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum IdOrNumber {
        Id(#[serde(deserialize_with = "id")] String),
        Number(u64),
    }
    Ok(Option::<IdOrNumber>::deserialize(d)?.map(|v| match v {
        IdOrNumber::Id(s) => s,
        IdOrNumber::Number(n) => n.to_string(),
    }))
}

struct SeqVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for SeqVisitor<T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a list of at most {ITEMS_MAX} items")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(128));
        while let Some(item) = seq.next_element()? {
            if out.len() == ITEMS_MAX {
                return Err(de::Error::custom(format!(
                    "a list of more than {ITEMS_MAX} items"
                )));
            }
            out.push(item);
        }
        Ok(out)
    }
}

/// A list of at most [`ITEMS_MAX`] items; a longer one is an error (raised at the
/// first item too many, before it is parsed).
pub fn list<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
    d.deserialize_seq(SeqVisitor(PhantomData))
}

struct MapVisitor<V>(PhantomData<V>);

impl<'de, V: Deserialize<'de>> Visitor<'de> for MapVisitor<V> {
    type Value = BTreeMap<String, V>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an object of at most {ITEMS_MAX} entries")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        #[derive(Deserialize)]
        struct Key(#[serde(deserialize_with = "id")] String);
        let mut out = BTreeMap::new();
        while let Some(Key(k)) = map.next_key()? {
            if out.len() == ITEMS_MAX {
                return Err(de::Error::custom(format!(
                    "an object of more than {ITEMS_MAX} entries"
                )));
            }
            out.insert(k, map.next_value()?);
        }
        Ok(out)
    }
}

/// An object of at most [`ITEMS_MAX`] entries whose keys are identifiers.
pub fn map<'de, D: Deserializer<'de>, V: Deserialize<'de>>(
    d: D,
) -> Result<BTreeMap<String, V>, D::Error> {
    d.deserialize_map(MapVisitor(PhantomData))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize, Debug)]
    struct Shape {
        #[serde(deserialize_with = "text")]
        name: String,
        #[serde(default, deserialize_with = "opt_id")]
        key: Option<String>,
        #[serde(default, deserialize_with = "list")]
        items: Vec<u64>,
        #[serde(default, deserialize_with = "map")]
        #[allow(dead_code)]
        by_key: BTreeMap<String, u8>,
    }

    #[test]
    fn texts_are_cut_and_identifiers_refused_past_their_limit() {
        let long = "é".repeat(TEXT_MAX + 50);
        let j = format!(r#"{{"name": "{long}", "key": "ABC"}}"#);
        let s: Shape = serde_json::from_str(&j).unwrap();
        assert_eq!(s.name.chars().count(), TEXT_MAX + 1);
        assert!(s.name.ends_with('…'));
        assert_eq!(s.key.as_deref(), Some("ABC"));
        // Escaped strings go through the same cut.
        let s: Shape =
            serde_json::from_str(&format!(r#"{{"name": "{}"}}"#, "\\n".repeat(300))).unwrap();
        assert_eq!(s.name.chars().count(), TEXT_MAX + 1);
        let j = format!(r#"{{"name": "x", "key": "{}"}}"#, "K".repeat(ID_MAX + 1));
        let e = serde_json::from_str::<Shape>(&j).unwrap_err();
        assert!(e.to_string().contains("identifier longer than"), "{e}");
        let s: Shape = serde_json::from_str(r#"{"name": "x", "key": null}"#).unwrap();
        assert_eq!(s.key, None);
    }

    #[test]
    fn lists_and_maps_are_refused_past_their_count() {
        let ok: Vec<String> = (0..ITEMS_MAX).map(|i| i.to_string()).collect();
        let j = format!(r#"{{"name": "x", "items": [{}]}}"#, ok.join(","));
        assert_eq!(
            serde_json::from_str::<Shape>(&j).unwrap().items.len(),
            ITEMS_MAX
        );
        let j = format!(r#"{{"name": "x", "items": [{},1]}}"#, ok.join(","));
        let e = serde_json::from_str::<Shape>(&j).unwrap_err();
        assert!(e.to_string().contains("more than"), "{e}");
        let entries: Vec<String> = (0..=ITEMS_MAX).map(|i| format!(r#""k{i}": 1"#)).collect();
        let j = format!(r#"{{"name": "x", "by_key": {{{}}}}}"#, entries.join(","));
        assert!(serde_json::from_str::<Shape>(&j).is_err());
        let j = format!(
            r#"{{"name": "x", "by_key": {{"{}": 1}}}}"#,
            "k".repeat(ID_MAX + 1)
        );
        assert!(serde_json::from_str::<Shape>(&j).is_err());
    }

    #[test]
    fn ids_may_be_numbers() {
        #[derive(Deserialize)]
        struct D {
            #[serde(default, deserialize_with = "opt_id_or_number")]
            id: Option<String>,
        }
        let d: D = serde_json::from_str(r#"{"id": 12}"#).unwrap();
        assert_eq!(d.id.as_deref(), Some("12"));
        let d: D = serde_json::from_str(r#"{"id": "7"}"#).unwrap();
        assert_eq!(d.id.as_deref(), Some("7"));
    }
}
