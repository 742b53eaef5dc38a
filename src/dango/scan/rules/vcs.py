"""Version control, CI/CD and developer platforms."""

from __future__ import annotations

from .checks import crc32_base62_ok, with_crc32_base62
from .model import keyed as K, token as T

UUID = "{h:8}-{h:4}-{h:4}-{h:4}-{h:12}"
GH = "https://github.blog/engineering/platform-security/behind-githubs-new-authentication-token-formats/"
GL = "https://docs.gitlab.com/ee/security/tokens/#token-prefixes"


def _github(id: str, description: str, prefix: str):
    return T(id, description, prefix + "{a:30}{a:6}", GH, make=with_crc32_base62, accept=crc32_base62_ok)


def _gitlab(id: str, description: str, template: str):
    return T(id, description, template, GL, after="0-9A-Za-z_-")


RULES = (
    _github("github-pat", "GitHub personal access token (classic)", "ghp_"),
    _github("github-oauth-token", "GitHub OAuth access token", "gho_"),
    _github("github-user-to-server-token", "GitHub App user-to-server token", "ghu_"),
    _github("github-app-installation-token", "GitHub App installation (server-to-server) token", "ghs_"),
    _github("github-refresh-token", "GitHub App refresh token", "ghr_"),
    T("github-fine-grained-pat", "GitHub fine-grained personal access token", "github_pat_{a:22}_{a:59}",
      "https://docs.github.com/en/authentication/keeping-your-account-and-data-secure/managing-your-personal-access-tokens"),
    K("github-legacy-token", "GitHub token (40 hex characters, before 2021)", ("github_token", "gh_token",
      "github_oauth", "github_pat"), "{h:40}", GH),
    _gitlab("gitlab-pat", "GitLab personal access token", "glpat-{w:20}"),
    _gitlab("gitlab-pat-routable", "GitLab personal access token (routable)", "glpat-{w:27-300}.{l:2}.{l:9}"),
    _gitlab("gitlab-deploy-token", "GitLab deploy token", "gldt-{w:20}"),
    _gitlab("gitlab-feed-token", "GitLab feed token", "glft-{w:20}"),
    _gitlab("gitlab-oauth-app-secret", "GitLab OAuth application secret", "gloas-{w:64}"),
    _gitlab("gitlab-runner-token", "GitLab runner authentication token", "glrt-{w:20}"),
    _gitlab("gitlab-runner-registration-token", "GitLab runner registration token (legacy)", "GR1348941{w:20}"),
    _gitlab("gitlab-cicd-job-token", "GitLab CI/CD job token", "glcbt-{h:1-5}_{w:20}"),
    _gitlab("gitlab-trigger-token", "GitLab pipeline trigger token", "glptt-{h:40}"),
    _gitlab("gitlab-scim-token", "GitLab SCIM OAuth token", "glsoat-{w:20}"),
    _gitlab("gitlab-incoming-mail-token", "GitLab incoming mail token", "glimt-{w:25}"),
    _gitlab("gitlab-agent-token", "GitLab agent for Kubernetes token", "glagent-{w:50}"),
    _gitlab("gitlab-feature-flags-token", "GitLab feature flags client token", "glffct-{w:20}"),
    _gitlab("gitlab-session-cookie", "GitLab session cookie", "_gitlab_session={h:32}"),
    T("bitbucket-app-password", "Bitbucket app password", "ATBB{a:32}",
      "https://support.atlassian.com/bitbucket-cloud/docs/app-passwords/"),
    K("bitbucket-client-secret", "Bitbucket OAuth client secret", ("bitbucket",), "{w:32}",
      "https://support.atlassian.com/bitbucket-cloud/docs/use-oauth-on-bitbucket-cloud/"),
    T("atlassian-api-token", "Atlassian (Jira, Confluence) API token", "ATATT3{w:180-}",
      "https://support.atlassian.com/atlassian-account/docs/manage-api-tokens-for-your-atlassian-account/",
      after="A-Za-z0-9_=-"),
    K("atlassian-api-token-legacy", "Atlassian API token (24 characters, before 2022)", ("jira", "confluence",
      "atlassian"), "{a:24}", "https://support.atlassian.com/atlassian-account/docs/manage-api-tokens-for-your-atlassian-account/"),
    T("circleci-pat", "CircleCI personal API token", "CCIPAT_{a:22}_{h:40}", "https://circleci.com/docs/managing-api-tokens/"),
    T("circleci-project-token", "CircleCI project API token", "CCIPRJ_{a:22}_{h:40}", "https://circleci.com/docs/managing-api-tokens/"),
    K("circleci-token-legacy", "CircleCI API token (40 hex)", ("circleci", "circle_token"), "{h:40}",
      "https://circleci.com/docs/managing-api-tokens/"),
    K("travis-ci-token", "Travis CI access token", ("travis",), "{w:22}", "https://docs.travis-ci.com/user/triggering-builds/"),
    T("buildkite-api-token", "Buildkite API access token", "bkua_{h:40}", "https://buildkite.com/docs/apis/managing-api-tokens"),
    T("buildkite-agent-token", "Buildkite agent token", "bkat_{a:40-}", "https://buildkite.com/docs/agent/v3/tokens"),
    K("drone-ci-token", "Drone CI access token", ("drone",), "{a:32}", "https://docs.drone.io/cli/setup/"),
    K("jenkins-api-token", "Jenkins API token", ("jenkins",), "11{h:32}", "https://www.jenkins.io/doc/book/using/remote-access-api/"),
    K("codecov-token", "Codecov upload token", ("codecov",), UUID, "https://docs.codecov.com/docs/codecov-tokens"),
    K("bitrise-token", "Bitrise personal access token", ("bitrise",), "{w:86}", "https://devcenter.bitrise.io/en/accounts/personal-access-tokens.html"),
    T("harness-pat", "Harness personal access token", "pat.{w:22}.{h:24}.{a:20}", "https://developer.harness.io/docs/platform/automation/api/add-and-manage-api-keys/"),
    T("harness-sat", "Harness service account token", "sat.{w:22}.{h:24}.{a:20}", "https://developer.harness.io/docs/platform/automation/api/add-and-manage-api-keys/"),
    T("sourcegraph-token", "Sourcegraph access token", "sgp_{h:16}_{h:40}", "https://sourcegraph.com/docs/cli/how-tos/creating_an_access_token"),
    T("sourcegraph-token-legacy", "Sourcegraph access token (no instance id)", "sgp_{h:40}", "https://sourcegraph.com/docs/cli/how-tos/creating_an_access_token"),
    T("octopus-deploy-api-key", "Octopus Deploy API key", "API-{U:26}", "https://octopus.com/docs/octopus-rest-api/how-to-create-an-api-key",
      before="0-9A-Za-z-"),
    T("jfrog-api-key", "JFrog Artifactory API key", "AKCp{a:69}", "https://jfrog.com/help/r/jfrog-platform-administration-documentation/api-key"),
    T("jfrog-reference-token", "JFrog reference (identity) token", "cmVmdGtu{a:56}", "https://jfrog.com/help/r/jfrog-platform-administration-documentation/access-tokens"),
    K("gitea-token", "Gitea access token", ("gitea",), "{h:40}", "https://docs.gitea.com/development/api-usage"),
    T("postman-api-key", "Postman API key", "PMAK-{h:24}-{h:34}", "https://learning.postman.com/docs/developer/postman-api/authentication/"),
    T("sonarqube-project-token", "SonarQube project analysis token", "sqp_{h:40}", "https://docs.sonarsource.com/sonarqube-server/latest/user-guide/managing-tokens/"),
    T("sonarqube-user-token", "SonarQube user token", "squ_{h:40}", "https://docs.sonarsource.com/sonarqube-server/latest/user-guide/managing-tokens/"),
    T("sonarqube-global-token", "SonarQube global analysis token", "sqa_{h:40}", "https://docs.sonarsource.com/sonarqube-server/latest/user-guide/managing-tokens/"),
    K("snyk-token", "Snyk API token", ("snyk",), UUID, "https://docs.snyk.io/snyk-api/authentication-for-api"),
    K("sonarcloud-token", "SonarCloud token", ("sonar_token", "sonarcloud"), "{h:40}", "https://docs.sonarsource.com/sonarqube-cloud/"),
    T("prefect-api-key", "Prefect Cloud API key", "pnu_{a:36}", "https://docs.prefect.io/v3/manage/cloud/manage-users/api-keys"),
    T("readme-api-key", "ReadMe API key", "rdme_{l:70}", "https://docs.readme.com/main/reference/intro/authentication"),
    T("scalingo-api-token", "Scalingo API token", "tk-us-{w:48}", "https://doc.scalingo.com/platform/user-management/api-tokens"),
    T("deno-deploy-token", "Deno Deploy access token", "ddp_{a:36}", "https://docs.deno.com/deploy/manual/api/"),
    T("linear-api-key", "Linear API key", "lin_api_{a:40}", "https://linear.app/developers/graphql"),
    T("figma-pat", "Figma personal access token", "figd_{w:40}", "https://www.figma.com/developers/api#access-tokens"),
    K("gitter-token", "Gitter access token", ("gitter",), "{h:40}", "https://developer.gitter.im/docs/"),
    K("shortcut-api-token", "Shortcut API token", ("shortcut", "clubhouse"), UUID, "https://developer.shortcut.com/api/rest/v3"),
)
