use super::Context;
use crate::cli::LintArgs;
use crate::error::Result;
pub fn run(_ctx: &Context, _a: LintArgs) -> Result<()> {
    todo!()
}
