"""Chat, collaboration and productivity tools."""

from __future__ import annotations

from .model import keyed as K, raw as R, token as T

UUID = "{h:8}-{h:4}-{h:4}-{h:4}-{h:12}"
SLACK = "https://api.slack.com/authentication/token-types"


def _pick(rng, n: int) -> str:
    return "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") for _ in range(n))


def _discord(rng) -> str:
    return rng.choice("MNO") + _pick(rng, 25) + "." + _pick(rng, 6) + "." + _pick(rng, 38)


def _telegram(rng) -> str:
    return str(rng.randint(10**8, 10**10 - 1)) + ":AA" + _pick(rng, 33)


RULES = (
    T("slack-bot-token", "Slack bot token", "xoxb-{d:10-13}-{d:10-13}-{a:24}", SLACK),
    T("slack-user-token", "Slack user token", "xoxp-{d:10-13}-{d:10-13}-{d:10-13}-{h:32}", SLACK),
    T("slack-app-token", "Slack app-level token", "xapp-1-{U:1}{a:10}-{d:13}-{h:64}", SLACK),
    T("slack-config-access-token", "Slack configuration access token", "xoxe.xox{L:1}-1-{a:146}", SLACK),
    T("slack-config-refresh-token", "Slack configuration refresh token", "xoxe-1-{a:146}", SLACK),
    T("slack-legacy-token", "Slack legacy or workspace token", "xox{L:1}-{d:10-12}-{a:10-48}", SLACK,
      before="0-9A-Za-z.-"),
    T("slack-webhook-url", "Slack incoming webhook URL", "hooks.slack.com/services/T{u:8-12}/B{u:8-12}/{a:24}",
      "https://api.slack.com/messaging/webhooks", before=""),
    T("slack-workflow-webhook-url", "Slack workflow webhook URL",
      "hooks.slack.com/{L:8}/{u:8-12}/{d:15-20}/{a:24}", "https://slack.com/help/articles/360041352714",
      keywords=("hooks.slack.com/",), before=""),
    R("discord-bot-token", "Discord bot token", r"(?<![\w-])[MNO][\w-]{23,25}\.[\w-]{6}\.[\w-]{27,38}(?![\w-])",
      ("discord", "bot "), lambda rng: "DISCORD_TOKEN=" + _discord(rng),
      "https://discord.com/developers/docs/reference#authentication", secret=lambda rng: _discord(rng), min_entropy=3.5, kind="keyed"),
    T("discord-webhook-url", "Discord webhook URL", "discord.com/api/webhooks/{d:17-20}/{w:68}",
      "https://discord.com/developers/docs/resources/webhook", before=""),
    K("discord-client-secret", "Discord client secret", ("discord_client_secret", "discord_secret"), "{w:32}",
      "https://discord.com/developers/docs/topics/oauth2"),
    R("telegram-bot-token", "Telegram bot token", r"(?<![\w:])\d{8,10}:AA[\w-]{33}(?![\w-])", (":AA",),
      lambda rng: "TELEGRAM_BOT_TOKEN=" + _telegram(rng), "https://core.telegram.org/bots/api#authorizing-your-bot",
      secret=lambda rng: _telegram(rng), min_entropy=3.5, caseless=False),
    T("teams-webhook-url", "Microsoft Teams incoming webhook URL",
      "webhook.office.com/webhookb2/" + UUID + "@" + UUID + "/IncomingWebhook/{h:32}/" + UUID,
      "https://learn.microsoft.com/microsoftteams/platform/webhooks-and-connectors/how-to/add-incoming-webhook",
      before=""),
    K("mattermost-token", "Mattermost access token", ("mattermost",), "{l:26}", "https://developers.mattermost.com/integrate/reference/personal-access-token/"),
    K("zulip-api-key", "Zulip API key", ("zulip",), "{a:32}", "https://zulip.com/api/api-keys"),
    K("twitch-token", "Twitch API token", ("twitch",), "{l:30}", "https://dev.twitch.tv/docs/authentication/"),
    K("line-channel-secret", "LINE channel secret or token", ("line_channel", "line_messaging"), "{h:32}",
      "https://developers.line.biz/en/docs/messaging-api/"),
    K("intercom-token", "Intercom access token", ("intercom",), "{w:59}=", "https://developers.intercom.com/docs/build-an-integration/learn-more/authentication/"),
    K("zendesk-api-token", "Zendesk API token", ("zendesk",), "{a:40}", "https://support.zendesk.com/hc/en-us/articles/4408889192858"),
    K("freshdesk-api-key", "Freshdesk API key", ("freshdesk",), "{a:20}", "https://developers.freshdesk.com/api/#authentication"),
    K("webex-token", "Webex access token", ("webex",), "{a:64}_{a:4}_{h:8}-{h:4}-{h:4}-{h:4}-{h:12}",
      "https://developer.webex.com/docs/getting-started"),
    K("ringcentral-secret", "RingCentral client secret", ("ringcentral",), "{w:22}", "https://developers.ringcentral.com/guide/authentication"),
    K("pusher-secret", "Pusher Channels app secret", ("pusher",), "{h:20}", "https://pusher.com/docs/channels/server_api/authenticating-users/"),
    K("ably-api-key", "Ably API key", ("ably",), "{w:6}.{w:6}:{w:43}", "https://ably.com/docs/auth/basic"),
    K("zoom-client-secret", "Zoom app client secret", ("zoom",), "{a:32}", "https://developers.zoom.us/docs/integrations/oauth/"),
    K("sendbird-api-token", "Sendbird API token", ("sendbird",), "{h:40}", "https://sendbird.com/docs/chat/platform-api/v3/prepare-to-use-api"),
    K("asana-pat", "Asana personal access token", ("asana",), "2/{d:16}/{d:16}:{h:32}", "https://developers.asana.com/docs/personal-access-token"),
    K("asana-pat-legacy", "Asana personal access token (version 1)", ("asana",), "1/{d:16}:{h:32}",
      "https://developers.asana.com/docs/personal-access-token"),
    K("trello-api-token", "Trello API token", ("trello",), "{h:64}", "https://developer.atlassian.com/cloud/trello/guides/rest-api/authorization/"),
    T("trello-token-atta", "Trello API token (ATTA format)", "ATTA{h:64}{H:8}", "https://developer.atlassian.com/cloud/trello/guides/rest-api/authorization/"),
    T("clickup-api-token", "ClickUp personal API token", "pk_{d:6-9}_{U:32}", "https://clickup.com/api/developer-portal/authentication/"),
    T("notion-integration-token", "Notion integration secret", "ntn_{d:11}{a:35}", "https://developers.notion.com/docs/authorization"),
    T("notion-secret-legacy", "Notion integration secret (secret_ format)", "secret_{a:43}", "https://developers.notion.com/docs/authorization"),
    K("miro-token", "Miro access token", ("miro",), "eyJtaXJvLm9yaWdpbiI6ImV1MDEifQ_{w:27}", "https://developers.miro.com/docs/rest-api-reference-guide"),
    T("typeform-pat", "Typeform personal access token", "tfp_{w:44}_{w:14}", "https://www.typeform.com/developers/get-started/personal-access-token/"),
    K("monday-api-token", "monday.com API token", ("monday",), "eyJhbGciOiJIUzI1NiJ9.{w:100-}.{w:43}", "https://developer.monday.com/api-reference/docs/authentication"),
    K("dropbox-short-token", "Dropbox short-lived access token", ("dropbox",), "sl.{w:130-}", "https://developers.dropbox.com/oauth-guide"),
    T("dropbox-token", "Dropbox access token", "sl.u.{w:130-}", "https://developers.dropbox.com/oauth-guide"),
    K("box-client-secret", "Box client secret or developer token", ("box_client_secret", "box_developer_token",
      "box_token"), "{a:32}", "https://developer.box.com/guides/authentication/"),
    T("zapier-webhook-url", "Zapier webhook URL", "hooks.zapier.com/hooks/catch/{d:6-9}/{l:6-7}/",
      "https://help.zapier.com/hc/en-us/articles/8496288690317", before="", after=""),
    T("1password-service-account-token", "1Password service account token", "ops_eyJ{b:250-}",
      "https://developer.1password.com/docs/service-accounts/", after="A-Za-z0-9+/="),
    T("1password-secret-key", "1Password account secret key", "A3-{u:6}-{u:6}-{u:5}-{u:5}-{u:5}-{u:5}",
      "https://support.1password.com/secret-key/"),
)

