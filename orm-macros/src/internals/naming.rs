//! Naming rules, part of the public API: table names, constant names, enum variant names.

/// `PostTag` → `post_tag`.
pub fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_uppercase() {
            let prev_lower =
                i > 0 && (chars[i - 1].is_lowercase() || chars[i - 1].is_ascii_digit());
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            if i > 0 && (prev_lower || (next_lower && chars[i - 1].is_uppercase())) {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The default table name: snake case plus `s`.
pub fn table_name(struct_name: &str) -> String {
    format!("{}s", snake_case(struct_name))
}

/// `view_count` → `VIEW_COUNT`.
pub fn const_name(field: &str) -> String {
    field.trim_start_matches("r#").to_uppercase()
}

pub fn rename(variant: &str, rule: Option<&str>) -> String {
    match rule {
        Some("SCREAMING_SNAKE_CASE") => snake_case(variant).to_uppercase(),
        Some("snake_case") => snake_case(variant),
        Some("lowercase") => variant.to_lowercase(),
        Some("UPPERCASE") => variant.to_uppercase(),
        _ => variant.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables() {
        assert_eq!(table_name("User"), "users");
        assert_eq!(table_name("PostTag"), "post_tags");
        assert_eq!(table_name("UserSettings"), "user_settingss");
        assert_eq!(snake_case("HTTPRequest"), "http_request");
        assert_eq!(
            rename("SystemAdmin", Some("SCREAMING_SNAKE_CASE")),
            "SYSTEM_ADMIN"
        );
    }
}
