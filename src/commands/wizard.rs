//! `pjsipctl wizard expand FILE`: a pjsip_wizard.conf as the explicit pjsip.conf sections
//! the wizard builds its objects from (issue 15), so a configuration can move off the wizard.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::commands::apply::{print_notes, refuse_if_invalid, SourceArgs};
use crate::commands::{io_err, Ctx};
use crate::conf::convert;
use crate::conf::reader;
use crate::error::{Error, Exit, Result};
use crate::wizard;

/// Work with pjsip_wizard.conf (res_pjsip_config_wizard) files
#[derive(Debug, Args)]
pub struct WizardArgs {
    #[command(subcommand)]
    pub command: WizardCommand,
}

#[derive(Debug, Subcommand)]
pub enum WizardCommand {
    /// Print the explicit sections (auth, aor, endpoint, identify, registration) that the
    /// wizard sections of FILE expand to, as pjsip.conf (secrets only with --show-secrets)
    Expand(ExpandArgs),
}

#[derive(Debug, Args)]
pub struct ExpandArgs {
    /// pjsip_wizard.conf to expand ('-' for stdin); every type=wizard section is expanded,
    /// whatever the file is called
    pub file: PathBuf,
    /// Run #exec programs named in the file (Asterisk runs them only with execincludes=yes)
    #[arg(long)]
    pub allow_exec: bool,
}

pub fn run(ctx: &Ctx, args: &WizardArgs) -> Result<Exit> {
    let WizardCommand::Expand(a) = &args.command;
    let src = SourceArgs {
        file: a.file.clone(),
        more: Vec::new(),
        allow_exec: a.allow_exec,
        owner: None,
    };
    let opts = crate::commands::apply::reader_options(ctx, &src);
    let cfg = if a.file.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes)
            .map_err(|e| Error::usage("cannot read stdin").because(e))?;
        reader::read_bytes(&bytes, "<stdin>", &opts)
    } else {
        reader::read_file(&a.file, &opts)
            .map_err(|e| Error::usage(format!("cannot read {}", a.file.display())).because(e))?
    };
    let hints: Vec<(String, wizard::Hint)> = cfg
        .sections
        .iter()
        .filter(|s| wizard::is_wizard(s))
        .filter_map(|s| wizard::expand(s).hint.map(|h| (s.name.clone(), h)))
        .collect();
    let (expanded, skipped) = wizard::expand_config(cfg, wizard::Role::Wizard);
    let text = wizard::to_conf(&expanded, ctx.settings.output.show_secrets);
    // Every expanded object is built as apply would build it: what Asterisk refuses is
    // refused here too, with the line it came from.
    let mut conv = convert::convert(expanded);
    conv.skipped.extend(skipped);
    print_notes(ctx, &conv);
    refuse_if_invalid(&ctx.out, &a.file, &conv, Vec::new())?;
    let mut out = format!(
        "; pjsip.conf sections expanded by `pjsipctl wizard expand` from {}\n\
         ; as res_pjsip_config_wizard (Asterisk 23.4.1) builds them; each object keeps\n\
         ; @pjsip_wizard, so `apply --prune` still knows which wizard section it came from.\n",
        a.file.display()
    );
    for (name, h) in &hints {
        out.push_str(&format!(
            "; [{name}] also adds a dialplan hint, which is not pjsip.conf: in extensions.conf,\n\
             ;   [{}]\n;   exten => {},hint,{}\n",
            h.context, h.exten, h.device
        ));
        if let Some(app) = &h.application {
            out.push_str(&format!(";   exten => {},1,{app}\n", h.exten));
        }
    }
    out.push_str(&text);
    ctx.out.data(&out).map_err(io_err)?;
    Ok(Exit::Ok)
}
