//! The examples under each command's `--help`, taken from the walkthrough:
//! IAM user tanaka, role toy-role allowing only ec2:DescribeInstanceTypes.

/// The examples for the command at `path` ("profile add-role"), if any.
pub fn for_command(path: &str) -> Option<&'static str> {
    EXAMPLES
        .iter()
        .find(|(p, _)| *p == path)
        .map(|(_, text)| *text)
}

/// Every command path that has examples (for the test that runs them
/// through the parser).
pub fn paths() -> impl Iterator<Item = &'static str> {
    EXAMPLES.iter().map(|(p, _)| *p)
}

/// Each example line is `  awsprof ...` followed by what it does, so that
/// a test can parse every one of them.
const EXAMPLES: &[(&str, &str)] = &[
    (
        "",
        "  awsprof profile configure tanaka
      Ask for tanaka's keys, region and output format, like `aws configure`.
  awsprof profile add-role tanaka --role-arn arn:aws:iam::123456789012:role/toy-role
      Make tanaka assume toy-role with its own keys.
  awsprof profile verify tanaka --allow ec2:DescribeInstanceTypes --deny ec2:DescribeVpcs
      Prove what the role may and may not do.",
    ),
    (
        "profile add-role",
        "  awsprof profile add-role tanaka --role-arn arn:aws:iam::123456789012:role/toy-role
      tanaka's own keys assume toy-role (source_profile = tanaka).
  awsprof profile add-role toy --source-profile tanaka --role-arn arn:aws:iam::123456789012:role/toy-role
      A new profile toy that assumes the role with tanaka's keys.
  awsprof profile add-role tanaka --role-arn arn:aws:iam::123456789012:role/toy-role --dry-run
      Show the change as a diff; write nothing.",
    ),
    (
        "profile verify",
        "  awsprof profile verify tanaka --allow ec2:DescribeInstanceTypes --deny ec2:DescribeVpcs
      Exit 0 only when the first is allowed and the second denied.
  awsprof profile verify --plan expectations.toml
      Check several profiles against a TOML file of expectations.
  awsprof profile verify --list-actions
      The actions verify can call.",
    ),
    (
        "profile whoami",
        "  awsprof profile whoami tanaka
      The account and ARN at the end of tanaka's chain.
  awsprof profile whoami tanaka --verbose
      Each hop's identity as it is reached.",
    ),
    (
        "profile resolve",
        "  awsprof profile resolve tanaka
      The chain tanaka's credentials come through, with file:line, no network.",
    ),
    (
        "profile export",
        "  awsprof profile export tanaka --format env
      export AWS_ACCESS_KEY_ID=... lines for the role's credentials.
  eval \"$(awsprof profile export tanaka --format env)\"
      Put them into the current shell.",
    ),
    (
        "profile configure",
        "  awsprof profile configure tanaka
      Prompts for each value on the terminal; the secret is not echoed.
  printf '%s' \"$SECRET\" | awsprof profile configure tanaka --access-key-id AKIA... --secret-access-key-stdin --region us-east-1
      The same without prompts.",
    ),
    (
        "profile set",
        "  awsprof profile set tanaka region eu-west-1
      Set one property, in the file the AWS CLI would put it in.
  awsprof profile set tanaka aws_secret_access_key -
      Read the secret from a hidden prompt (or standard input), not the command line.",
    ),
    (
        "profile show",
        "  awsprof profile show tanaka
      Every property with the file:line it comes from, secrets masked.",
    ),
    (
        "profile rename",
        "  awsprof profile rename tanaka tanaka-dev
      Renames both sections and every source_profile and credential_process naming it.",
    ),
    (
        "profile delete",
        "  awsprof profile delete toy --dry-run
      What would go; refused while other profiles stand on it.",
    ),
    (
        "exec",
        "  awsprof exec tanaka -- aws ec2 describe-instance-types
      Run the AWS CLI as toy-role through tanaka's chain.
  awsprof exec tanaka
      A shell with the credentials in its environment.",
    ),
    (
        "console",
        "  awsprof console tanaka
      Open the console in the browser as toy-role, through tanaka's chain.
  awsprof console tanaka --service ec2 --region eu-west-1
      Land on the EC2 page of eu-west-1.
  awsprof console tanaka --print
      Print the sign-in link instead (a credential for 15 minutes).",
    ),
    (
        "credential-process",
        "  awsprof profile set toy credential_process 'awsprof credential-process tanaka'
      Any AWS tool using profile toy gets tanaka's chain's credentials.",
    ),
    (
        "key import",
        "  awsprof key import tanaka tanaka-key.json
      Store the key from `aws iam create-access-key` output.
  awsprof key import tanaka
      On a terminal: paste the JSON or CSV (not echoed), then Ctrl-D.",
    ),
    (
        "key list",
        "  awsprof key list tanaka --max-age 90
      tanaka's keys with their age; exit 1 when one is older than 90 days.",
    ),
    (
        "key rotate",
        "  awsprof key rotate tanaka --dry-run
      The plan: create a new key, write it, deactivate and delete the old one.",
    ),
    (
        "iam create-user",
        "  awsprof iam create-user tanaka --admin admin
      User tanaka with an access key, written into profile tanaka.",
    ),
    (
        "iam create-role",
        "  awsprof iam create-role toy-role --trust tanaka --allow ec2:DescribeInstanceTypes --admin admin
      A role only tanaka may assume, allowed one action.",
    ),
    (
        "iam delete-role",
        "  awsprof iam delete-role toy-role --admin admin --dry-run
      The calls that would delete the role and the policy awsprof made for it.",
    ),
    (
        "iam delete-user",
        "  awsprof iam delete-user tanaka --from-profile tanaka --admin admin
      Delete the user and its keys, and remove the keys from profile tanaka.",
    ),
    (
        "backup restore",
        "  awsprof backup list
      Find the backup's id.
  awsprof backup restore ID --dry-run
      The diff a restore would apply.",
    ),
    (
        "lint",
        "  awsprof lint
      Every finding in both files.
  awsprof lint --profile tanaka --strict
      Only tanaka's chain; warnings count as errors.",
    ),
    (
        "completions",
        "  awsprof completions bash > ~/.local/share/bash-completion/completions/awsprof
      Complete commands, profile names, sso-sessions and backup ids in bash.
  awsprof completions zsh > \"${fpath[1]}/_awsprof\"
      The same in zsh.",
    ),
];
