/* How the console writes values: times, money, and translated labels for
 * the wire names of statuses, channels, products, outcomes and
 * completeness levels, plus the theme role a status is drawn in. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "screens/yx.h"
#include "tui/i18n.h"

char *yx_fmt_time(int64_t ms, int long_form, char *buf, size_t n)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    if (ms <= 0 || !localtime_r(&t, &tm) ||
        !strftime(buf, n, long_form ? "%Y-%m-%d %H:%M:%S" : "%m-%d %H:%M", &tm))
        snprintf(buf, n, "-");
    return buf;
}

char *yx_fmt_money(int64_t fen, char *buf, size_t n)
{
    char digits[32], out[48];
    uint64_t v = fen < 0 ? (uint64_t)0 - (uint64_t)fen : (uint64_t)fen;
    int len, o = 0;
    len = snprintf(digits, sizeof digits, "%" PRIu64, v / YX_FEN_PER_YUAN);
    if (fen < 0) out[o++] = '-';
    for (int i = 0; i < len; i++) {
        if (i > 0 && (len - i) % 3 == 0) out[o++] = ',';
        out[o++] = digits[i];
    }
    snprintf(out + o, sizeof out - (size_t)o, ".%02u", (unsigned)(v % YX_FEN_PER_YUAN));
    snprintf(buf, n, "%s", out);
    return buf;
}

const char *yx_label_status(app_status s)
{
    switch (s) {
    case APP_SUBMITTED: return _("submitted");
    case APP_APPROVED:  return _("approved");
    case APP_DECLINED:  return _("declined");
    case APP_REFERRED:  return _("referred");
    case APP_ESCALATED: return _("escalated");
    default:            return "?";
    }
}

const char *yx_label_channel(channel_kind k)
{
    switch (k) {
    case CH_API:      return _("API");
    case CH_SEMI_API: return _("semi-API");
    case CH_H5:       return _("H5");
    case CH_OWN:      return _("own app");
    default:          return "?";
    }
}

const char *yx_label_product(product_kind p)
{
    switch (p) {
    case PROD_MALL: return _("installment");
    case PROD_CASH: return _("cash loan");
    case PROD_SMB:  return _("SMB loan");
    default:        return "?";
    }
}

const char *yx_label_outcome(decision_outcome o)
{
    switch (o) {
    case OUT_APPROVE: return _("approve");
    case OUT_REFER:   return _("refer");
    case OUT_DECLINE: return _("decline");
    default:          return "?";
    }
}

const char *yx_label_completeness(completeness_level c)
{
    switch (c) {
    case CPL_BASIC:     return _("basic");
    case CPL_BANK_CARD: return _("+ bank card");
    case CPL_INCOME:    return _("+ income proof");
    case CPL_SOCIAL:    return _("+ social security");
    case CPL_BUREAU:    return _("+ credit bureau");
    default:            return "?";
    }
}

const char *yx_label_scene(const char *scene)
{
    static const struct { const char *wire, *label; } scenes[] = {
        { "travel", N_("travel") },
        { "shopping", N_("shopping") },
        { "social", N_("social") },
        { "entertainment", N_("entertainment") },
        { "live_streaming", N_("live streaming") },
    };
    for (size_t i = 0; i < sizeof scenes / sizeof scenes[0]; i++)
        if (!strcmp(scenes[i].wire, scene)) return _(scenes[i].label);
    return scene;   /* a scene this console does not know yet: as sent */
}

const char *yx_role_status(app_status s)
{
    switch (s) {
    case APP_APPROVED:  return "decision.approved";
    case APP_DECLINED:  return "decision.declined";
    case APP_REFERRED:  return "decision.referred";
    case APP_ESCALATED: return "decision.escalated";
    default:            return NULL;
    }
}

const char *yx_product_text(const app_row *r)
{
    if (r->app.product == PROD_MALL && r->app.product_item[0]) return r->app.product_item;
    return yx_label_product(r->app.product);
}
