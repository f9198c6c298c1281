//! `indicity new place NAME`: a place file from the gazetteer, so that a curator never
//! types a division code or a province by hand.

use std::path::PathBuf;

use crate::Error;
use crate::gazetteer::{DIVISIONS, Division, short_name, slug_of};

#[derive(clap::Args)]
pub struct Args {
    /// The place's name (瓯海区, 瓯海), with its city when the name is shared
    /// (福州市鼓楼区), or its six-digit division code.
    name: String,
    /// The site root, holding content/.
    #[arg(long, default_value = ".")]
    root: PathBuf,
}

/// The divisions `name` can mean: by code, by full name, by city and name, by short name.
pub fn candidates(name: &str) -> Vec<&'static Division> {
    let name = name.trim();
    let by = |f: &dyn Fn(&Division) -> bool| -> Vec<&'static Division> {
        DIVISIONS.iter().filter(|d| f(d)).collect()
    };
    for found in [
        by(&|d| d.code == name),
        by(&|d| d.name == name),
        by(&|d| !d.prefecture.is_empty() && format!("{}{}", d.prefecture, d.name) == name),
        by(&|d| {
            format!("{}{}", d.province, d.name) == name
                || format!("{}{}{}", d.province, d.prefecture, d.name) == name
        }),
        by(&|d| short_name(&d.name) == name),
    ] {
        if !found.is_empty() {
            return found;
        }
    }
    Vec::new()
}

/// The place file of a division.
pub fn place_yaml(d: &Division) -> (String, String) {
    let short = short_name(&d.name);
    let slug = slug_of(short);
    let mut en = slug.clone();
    if let Some(first) = en.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    let level = match d.level.as_str() {
        "province" => "province",
        "prefecture" => "prefecture",
        _ if d.name.ends_with('区') => "district",
        _ if d.name.ends_with('市') => "county-level-city",
        _ => "county",
    };
    let province = if d.level == "province" {
        d.name.clone()
    } else {
        d.province.clone()
    };
    let mut y = format!(
        "name: {}\nname_en: {en}\nprovince: {province}\nlevel: {level}\n",
        d.name
    );
    if !d.prefecture.is_empty() {
        y.push_str(&format!("parent: {}\n", d.prefecture));
    }
    y.push_str(&format!("code: \"{}\"\n", d.code));
    (slug, y)
}

pub fn run(args: Args) -> Result<(), Error> {
    let cities = args.root.join("content/cities");
    if !args.root.join("content").is_dir() {
        return Err(Error::Usage(format!(
            "{} holds no content/ directory: give the site root with --root, or start one with `indicity init`",
            args.root.display()
        )));
    }
    let found = candidates(&args.name);
    let d = match found.as_slice() {
        [] => {
            return Err(Error::Usage(format!(
                "`{}` is not in the gazetteer (data/divisions.csv): write the full name (瓯海区), the city and the name (温州市瓯海区) or the division code",
                args.name
            )));
        }
        [one] => *one,
        many => {
            let list: Vec<String> = many
                .iter()
                .map(|d| {
                    let within = [d.province.as_str(), d.prefecture.as_str()].concat();
                    format!(
                        "  {} {}{} (`indicity new place {}`)",
                        d.code, within, d.name, d.code
                    )
                })
                .collect();
            return Err(Error::Usage(format!(
                "`{}` names {} places; say which:\n{}",
                args.name,
                many.len(),
                list.join("\n")
            )));
        }
    };
    let (slug, yaml) = place_yaml(d);
    let path = cities.join(format!("{slug}.yaml"));
    // Never through a link: a dangling `content/cities/<slug>.yaml` would otherwise
    // create its target wherever it points.
    if std::fs::symlink_metadata(&path).is_ok() {
        return Err(Error::Usage(format!(
            "{} exists already; a second place with the slug `{slug}` needs another file name (rename one of them, e.g. `{slug}-{}`)",
            path.display(),
            d.code
        )));
    }
    crate::safe_fs::write_new_below(
        &args.root,
        &std::path::Path::new(crate::content::PLACES_DIR).join(format!("{slug}.yaml")),
        yaml.as_bytes(),
        false,
    )
    .map_err(|e| Error::Output(format!("{}: {e}", path.display())))?;
    crate::sayln!("created {} ({} {})", path.display(), d.code, d.name);
    Ok(())
}
