//! Every kind of bad input gets `path:line:col: message`, the line with a caret and a hint,
//! exit code 1, and nothing written. One snapshot per error message.

mod common;

use std::path::Path;

use common::{build, fixture, read_tree, stderr};

/// Builds the error fixture, checks the failure contract, and returns stderr.
fn failing_build(name: &str) -> String {
    let site = fixture(&format!("errors/{name}"));
    failing_build_at(site.path())
}

fn failing_build_at(root: &Path) -> String {
    let out = build(root, &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(out.stdout.is_empty(), "no summary on failure");
    assert!(
        !root.join("output").exists(),
        "a failed build wrote output/"
    );
    assert!(err.contains("nothing was written"), "{err}");
    err
}

#[test]
fn invalid_yaml() {
    insta::assert_snapshot!(failing_build("invalid_yaml"));
}

#[test]
fn missing_front_matter() {
    insta::assert_snapshot!(failing_build("missing_front_matter"));
}

#[test]
fn missing_title() {
    insta::assert_snapshot!(failing_build("missing_title"));
}

#[test]
fn missing_date() {
    insta::assert_snapshot!(failing_build("missing_date"));
}

#[test]
fn unparsable_date_on_a_bengali_page() {
    let err = failing_build("bad_date");
    assert!(
        err.starts_with("content/articles/baddate.md:3:7: error:"),
        "{err}"
    );
    insta::assert_snapshot!(err);
}

#[test]
fn tags_not_a_list() {
    let err = failing_build("tags_not_list");
    assert!(
        err.starts_with("content/articles/tags.md:4:7: error:"),
        "{err}"
    );
    insta::assert_snapshot!(err);
}

#[test]
fn file_not_utf8() {
    let site = fixture("errors/missing_title");
    let articles = site.path().join("content/articles");
    std::fs::remove_file(articles.join("untitled.md")).unwrap();
    // "café" in Latin-1 on line 2: é is the single byte 0xE9.
    std::fs::write(
        articles.join("latin1.md"),
        b"---\ntitle: Caf\xe9 diplomacy\ndate: 2023-10-20\n---\n",
    )
    .unwrap();
    let err = failing_build_at(site.path());
    assert!(
        err.starts_with("content/articles/latin1.md:2:11: error: file is not valid UTF-8"),
        "{err}"
    );
    insta::assert_snapshot!(err);
}

#[test]
fn unknown_template() {
    let err = failing_build("unknown_template");
    assert!(err.contains("did you mean `article.html`?"), "{err}");
    insta::assert_snapshot!(err);
}

#[test]
fn template_syntax_error() {
    let err = failing_build("template_syntax");
    assert!(err.starts_with("templates/article.html:3:"), "{err}");
    insta::assert_snapshot!(err);
}

/// `ui.KEY` is checked when the templates load: an unknown key, or one that needs a count,
/// fails the build at its place in the template, every one of them at once.
#[test]
fn ui_string_that_is_unknown_or_needs_arguments_is_an_error_at_its_place() {
    let err = failing_build("ui_string_unknown");
    assert!(
        err.starts_with("templates/article.html:4:25: error: `ui.sourses`"),
        "{err}"
    );
    assert!(err.contains("did you mean `sources`?"), "{err}");
    assert!(
        err.contains("templates/article.html:4:44: error: `ui.minutes_read`"),
        "{err}"
    );
    assert!(err.contains("t(key=\"minutes_read\", …)"), "{err}");
    insta::assert_snapshot!(err);
}

#[test]
fn slug_collision_names_both_files() {
    let err = failing_build("slug_collision");
    assert!(err.contains("content/articles/kim-lavrov.md"), "{err}");
    assert!(err.contains("content/articles/lavrov-leaves.md"), "{err}");
    insta::assert_snapshot!(err);
}

#[test]
fn empty_tag_slug() {
    let err = failing_build("empty_tag_slug");
    assert!(
        err.starts_with("content/articles/tagged.md:4:15: error:"),
        "{err}"
    );
    insta::assert_snapshot!(err);
}

#[test]
fn unknown_config_key_suggests_nearest() {
    let err = failing_build("unknown_config_key");
    assert!(err.contains("did you mean `base_url`?"), "{err}");
    insta::assert_snapshot!(err);
}

#[test]
fn one_run_reports_every_broken_file() {
    let err = failing_build("many_broken");
    for file in ["a-missing-title.md", "b-bad-date.md", "c-tags.md"] {
        assert!(
            err.contains(&format!("content/articles/{file}:")),
            "{file} missing in:\n{err}"
        );
    }
    assert!(!err.contains("d-fine.md"), "{err}");
    assert!(err.contains("3 errors found"), "{err}");
}

#[test]
fn failed_build_leaves_previous_output_byte_for_byte() {
    let site = fixture("basic");
    let ok = build(site.path(), &[]);
    assert!(ok.status.success(), "{}", stderr(&ok));
    let output = site.path().join("output");
    let before = read_tree(&output);

    let article = site.path().join("content/articles/older-english.md");
    let text = std::fs::read_to_string(&article).unwrap();
    std::fs::write(
        &article,
        text.replace("tags: [Diplomacy, North Korea]", "tags: Diplomacy"),
    )
    .unwrap();
    let out = build(site.path(), &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(read_tree(&output), before);
}

#[test]
fn template_error_during_render_leaves_previous_output() {
    let site = fixture("basic");
    assert!(build(site.path(), &[]).status.success());
    let output = site.path().join("output");
    let before = read_tree(&output);
    let templates = site.path().join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(templates.join("tag.html"), "{{ tag.no_such_field }}").unwrap();
    let out = build(site.path(), &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.starts_with("templates/tag.html:1:"), "{err}");
    assert_eq!(read_tree(&output), before);
    // No half-written folder is left next to output/.
    assert!(!site.path().join(".output.briefing-new").exists());
}

#[test]
fn unknown_theme_points_at_the_theme_line() {
    let site = fixture("errors/unknown_config_key");
    std::fs::write(
        site.path().join("site.yaml"),
        "title: Desk\ntheme: broadsheet\n",
    )
    .unwrap();
    let err = failing_build_at(site.path());
    assert!(
        err.starts_with("site.yaml:2:8: error: theme `broadsheet` not found"),
        "{err}"
    );
}

#[test]
fn invalid_slug_is_underlined_and_corrected() {
    let site = fixture("errors/unknown_config_key");
    std::fs::remove_file(site.path().join("site.yaml")).unwrap();
    let article = site.path().join("content/articles/ok.md");
    std::fs::write(
        &article,
        "---\ntitle: Kim\ndate: 2023-10-20\nslug: Kim Visit\n---\n\nText.\n",
    )
    .unwrap();
    insta::assert_snapshot!(failing_build_at(site.path()));
}

#[test]
fn tag_alias_that_is_also_a_tag_names_both() {
    let err = failing_build("tag_alias_is_a_tag");
    assert!(err.starts_with("tags.yaml:2:14: error:"), "{err}");
    insta::assert_snapshot!(err);
}

#[test]
fn tag_alias_claimed_by_two_tags_names_both() {
    let err = failing_build("tag_alias_claimed_twice");
    assert!(err.starts_with("tags.yaml:4:28: error:"), "{err}");
    insta::assert_snapshot!(err);
}

#[test]
fn ui_string_that_is_not_text_is_an_error_at_its_line() {
    insta::assert_snapshot!(failing_build("i18n_bad_string"));
}

#[test]
fn unknown_ui_string_is_a_template_error_with_a_suggestion() {
    let err = failing_build("unknown_ui_string");
    assert!(
        err.contains("no UI string `not_fuond` in en.yaml; did you mean `not_found`?"),
        "{err}"
    );
    insta::assert_snapshot!(err);
}

/// Builds a hostile fixture: it must fail like any broken file, and quickly (debug build).
fn hostile_build(name: &str) -> String {
    let started = std::time::Instant::now();
    let err = failing_build(name);
    let took = started.elapsed();
    assert!(took < std::time::Duration::from_secs(5), "{name}: {took:?}");
    err
}

#[test]
fn yaml_alias_bomb_is_refused_at_the_first_alias() {
    let err = hostile_build("yaml_alias_bomb");
    assert!(
        err.starts_with("content/articles/bomb.md:5:8: error:"),
        "{err}"
    );
    insta::assert_snapshot!(err);
}

#[test]
fn yaml_nested_five_thousand_deep_is_refused() {
    let err = hostile_build("yaml_deep_nesting");
    assert!(err.contains("nested more than 100 levels"), "{err}");
    // The offending line is 10,000 characters: the snapshot keeps the message, not the line.
    let first = err.lines().next().unwrap();
    insta::assert_snapshot!(first);
}

#[test]
fn yaml_tag_is_refused_by_name() {
    let err = hostile_build("yaml_tag");
    assert!(err.contains("`!!binary`"), "{err}");
    insta::assert_snapshot!(err);
}

#[test]
fn yaml_tag_in_site_yaml_is_refused_by_name() {
    let err = hostile_build("config_tag");
    assert!(err.starts_with("site.yaml:2:11: error:"), "{err}");
    insta::assert_snapshot!(err);
}

#[test]
fn control_characters_escaped_or_raw_are_refused_where_they_stand() {
    let err = hostile_build("control_characters");
    assert!(err.contains("escaped.md:2:8: error:"), "{err}");
    assert!(err.contains("raw.md:6:25: error:"), "{err}");
    insta::assert_snapshot!(err);
}

#[test]
fn slug_that_is_a_path_is_refused_by_name() {
    let err = hostile_build("slug_path");
    for slug in [r"`../../etc`", "`/etc/cron.d`", r"`..\..\windows`"] {
        assert!(err.contains(slug), "{slug} not named in:\n{err}");
    }
    assert!(err.contains("3 errors found"), "{err}");
    insta::assert_snapshot!(err);
}

#[test]
fn article_of_fifty_megabytes_is_refused_without_reading_it() {
    let site = fixture("errors/unknown_config_key");
    std::fs::remove_file(site.path().join("site.yaml")).unwrap();
    let big = site.path().join("content/articles/huge.md");
    // Sparse: 50 MB on paper, nothing on disk; the size check comes before any read.
    std::fs::File::create(&big)
        .unwrap()
        .set_len(50 << 20)
        .unwrap();
    let err = failing_build_at(site.path());
    assert!(
        err.starts_with("content/articles/huge.md:1:1: error: the file is 50.0 MB"),
        "{err}"
    );
    insta::assert_snapshot!(err);
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_site_are_refused_not_followed() {
    use std::os::unix::fs::symlink;
    let site = fixture("errors/unknown_config_key");
    std::fs::remove_file(site.path().join("site.yaml")).unwrap();
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.md");
    std::fs::write(
        &secret,
        "---\ntitle: Secret\ndate: 2023-10-20\n---\n\nssh key\n",
    )
    .unwrap();
    let articles = site.path().join("content/articles");
    symlink(&secret, articles.join("leak.md")).unwrap();
    symlink(outside.path(), articles.join("elsewhere")).unwrap();
    let err = failing_build_at(site.path());
    assert!(
        err.contains(
            "content/articles/leak.md:1:1: error: `content/articles/leak.md` is a symbolic link to"
        ),
        "{err}"
    );
    assert!(
        err.contains("content/articles/elsewhere:1:1: error:"),
        "{err}"
    );
    assert!(!err.contains("ssh key"), "{err}");
    // The temp folder's name changes each run: the snapshot shows it as OUTSIDE.
    let outside_real = std::fs::canonicalize(outside.path()).unwrap();
    insta::assert_snapshot!(err.replace(&outside_real.display().to_string(), "OUTSIDE"));
}

#[test]
fn site_yaml_over_a_megabyte_is_refused_without_reading_it() {
    let site = fixture("errors/unknown_config_key");
    std::fs::File::create(site.path().join("site.yaml"))
        .unwrap()
        .set_len(3 << 20)
        .unwrap();
    let err = failing_build_at(site.path());
    assert!(
        err.starts_with("site.yaml:1:1: error: site.yaml is 3.0 MB"),
        "{err}"
    );
    insta::assert_snapshot!(err);
}
