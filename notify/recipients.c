/* recipients.c - who gets which mail (RFC 4053 / bradner draft B.1.1, issue 5). */
#include "notify/notify_private.h"
#include "model/outgoing.h"
#include "conf/log.h"

#include <string.h>

void
notify_rcpts_init(struct notify_rcpts *r)
{
	r->to = g_ptr_array_new_with_free_func(addr_free);
	r->cc = g_ptr_array_new_with_free_func(addr_free);
}

void
notify_rcpts_clear(struct notify_rcpts *r)
{
	g_clear_pointer(&r->to, g_ptr_array_unref);
	g_clear_pointer(&r->cc, g_ptr_array_unref);
}

static gboolean
in_list(GPtrArray *list, const char *address)
{
	for (guint i = 0; list && i < list->len; i++)
		if (addr_equal(((struct addr *)list->pdata[i])->address, address))
			return TRUE;
	return FALSE;
}

gboolean
notify_rcpts_contains(const struct notify_rcpts *r, const char *address)
{
	return in_list(r->to, address) || in_list(r->cc, address);
}

/* is_ours - our own sending address: mail to it would come back as a loop. */
static gboolean
is_ours(const struct conf *c, const char *address)
{
	return conf_is_statements_address(c, address) ||
	    (c->from_address && addr_equal(c->from_address, address));
}

gboolean
notify_rcpts_add(const struct conf *c, struct notify_rcpts *r, gboolean cc,
    const char *name, const char *address)
{
	/* Addresses come from statements and the directory: re-check them here,
	 * because they end up in RCPT TO (curl 7.88 passes CR/LF through). */
	if (!addr_is_valid(address)) {
		log_debug("event=notify_skip_invalid address=%s", log_quote(address));
		return FALSE;
	}
	if (is_ours(c, address))
		return FALSE;
	if (in_list(r->to, address) || (cc && in_list(r->cc, address)))
		return FALSE;
	/* A Cc address later named in To moves up: To wins. */
	if (!cc)
		for (guint i = 0; i < r->cc->len; i++)
			if (addr_equal(((struct addr *)r->cc->pdata[i])->address, address))
				g_ptr_array_remove_index(r->cc, i--);
	g_autofree char *clean = name ? notify_clean(name, 100) : NULL;
	g_ptr_array_add(cc ? r->cc : r->to, addr_new(clean, address));
	return TRUE;
}

static void
add_addrs(const struct conf *c, struct notify_rcpts *r, gboolean cc, GPtrArray *list)
{
	for (guint i = 0; list && i < list->len; i++) {
		const struct addr *a = list->pdata[i];
		notify_rcpts_add(c, r, cc, a->name, a->address);
	}
}

void
notify_rcpts_add_text(const struct conf *c, struct notify_rcpts *r, gboolean cc,
    const char *text)
{
	GPtrArray *list = NULL;
	g_autoptr(GError) e = NULL;
	if (!text || !*text)
		return;
	if (!addr_parse_list(text, &list, &e)) {
		log_warning("event=notify_bad_config_address reason=%s", log_quote(e->message));
		return;
	}
	add_addrs(c, r, cc, list);
	g_ptr_array_unref(list);
}

/* group_of - the directory group a statement's group reference resolved to;
 * concluded groups are known but get no mail (issue 3). */
static const struct dir_group *
group_of(const struct directory *dir, const struct group_ref *g)
{
	if (!dir || !g->acronym)
		return NULL;
	const struct dir_group *d = directory_get(dir, g->acronym);
	return d && !d->concluded ? d : NULL;
}

/* add_group_to - the To addresses of one To group. A group's `contacts`
 * replace the default, which follows the group's type: the assignee (chairs
 * or ADs) and, for groups that have one, the open list. */
static void
add_group_to(const struct conf *c, struct notify_rcpts *r, const struct dir_group *d)
{
	if (d->contacts && d->contacts->len > 0) {
		add_addrs(c, r, FALSE, d->contacts);
		return;
	}
	gboolean chairs = FALSE, list = FALSE, ads = FALSE;
	switch (d->type) {
	case DIR_WG: case DIR_RG: case DIR_IAB: case DIR_IRTF: chairs = list = TRUE; break;
	case DIR_AREA: ads = TRUE; break;
	case DIR_IETF: chairs = TRUE; break;
	case DIR_IESG: list = TRUE; break;
	case DIR_SDO: break;   /* an SDO is reached through the statement's To-Contacts */
	}
	if (chairs)
		add_addrs(c, r, FALSE, d->chairs);
	if (ads)
		add_addrs(c, r, FALSE, d->ads);
	if (list && d->list)
		notify_rcpts_add(c, r, FALSE, d->name, d->list);
}

/* add_groups_cc - Cc the fixed cc of every group named, To side then From. */
static void
add_groups_cc(const struct conf *c, const struct directory *dir, const struct statement *st,
    struct notify_rcpts *r)
{
	for (int side = 0; side < 2; side++) {
		GPtrArray *groups = side == 0 ? st->to_groups : st->from_groups;
		for (guint i = 0; i < groups->len; i++) {
			const struct dir_group *d = group_of(dir, groups->pdata[i]);
			if (d)
				add_addrs(c, r, TRUE, d->cc);
		}
	}
}

/* add_from_managers - Cc the liaison managers of each From SDO group
 * (inherited from the parent body when the sub-group names none). */
static void
add_from_managers(const struct conf *c, const struct directory *dir,
    const struct statement *st, struct notify_rcpts *r)
{
	for (guint i = 0; i < st->from_groups->len; i++) {
		const struct dir_group *d = group_of(dir, st->from_groups->pdata[i]);
		if (!d || d->type != DIR_SDO)
			continue;
		GPtrArray *lm = directory_liaison_managers(dir, d);
		if (lm) {
			add_addrs(c, r, TRUE, lm);
			g_ptr_array_unref(lm);
		}
	}
}

/* add_extra_contacts - the statement's To-Contacts: those the directory's
 * groups brought in already cost nothing, the others (addresses of the
 * sender's choosing) at most max_extra_recipients; the rest go to HELD. */
static void
add_extra_contacts(const struct conf *c, struct notify_rcpts *r, const struct statement *st,
    GPtrArray *held)
{
	int extra = 0;
	for (guint i = 0; i < st->to_contacts->len; i++) {
		const struct addr *a = st->to_contacts->pdata[i];
		if (notify_rcpts_contains(r, a->address))
			continue;
		if (extra >= c->max_extra_recipients) {
			if (held)
				g_ptr_array_add(held, g_strdup(a->address));
			continue;
		}
		if (notify_rcpts_add(c, r, FALSE, a->name, a->address))
			extra++;
	}
}

/* routing_outgoing - an outgoing statement goes to the receiving body: the
 * To groups' `contacts`, the To-Liaison-Contact and its To-Contacts (those
 * of the sender's choosing capped as for any statement, the rest to HELD);
 * Cc the IETF liaison managers for that body, the IAB liaison coordinators,
 * the From groups' lists, the groups' fixed cc. */
static void
routing_outgoing(const struct conf *c, const struct directory *dir,
    const struct statement *st, struct notify_rcpts *r, GPtrArray *held)
{
	for (guint i = 0; i < st->to_groups->len; i++) {
		const struct dir_group *d = group_of(dir, st->to_groups->pdata[i]);
		if (d && d->type == DIR_SDO)
			add_addrs(c, r, FALSE, d->contacts);
	}
	if (st->to_liaison_contact)
		notify_rcpts_add(c, r, FALSE, NULL, st->to_liaison_contact);
	add_extra_contacts(c, r, st, held);
	GPtrArray *lm = outgoing_liaison_managers(dir, st);
	add_addrs(c, r, TRUE, lm);
	g_ptr_array_unref(lm);
	notify_rcpts_add_text(c, r, TRUE, c->liaison_coordinators);
	for (guint i = 0; i < st->from_groups->len; i++) {
		const struct dir_group *d = group_of(dir, st->from_groups->pdata[i]);
		if (d && d->list)
			notify_rcpts_add(c, r, TRUE, d->name, d->list);
	}
	add_groups_cc(c, dir, st, r);
}

void
notify_rcpts_routing(const struct conf *c, const struct directory *dir,
    const struct statement *st, struct notify_rcpts *r)
{
	notify_rcpts_routing_held(c, dir, st, r, NULL);
}

void
notify_rcpts_routing_held(const struct conf *c, const struct directory *dir,
    const struct statement *st, struct notify_rcpts *r, GPtrArray *held)
{
	if (st->outgoing) {
		routing_outgoing(c, dir, st, r, held);
		return;
	}
	for (guint i = 0; i < st->to_groups->len; i++) {
		const struct dir_group *d = group_of(dir, st->to_groups->pdata[i]);
		if (d)
			add_group_to(c, r, d);
	}
	add_extra_contacts(c, r, st, held);

	/* Cc: the assignee's supervisor (the WG's area ADs), the sending SDO's
	 * liaison manager, the IAB liaison coordinators, the groups' fixed cc. */
	for (guint i = 0; i < st->to_groups->len; i++) {
		const struct dir_group *d = group_of(dir, st->to_groups->pdata[i]);
		if (!d || d->type != DIR_WG || !d->parent)
			continue;
		const struct dir_group *area = directory_get(dir, d->parent);
		if (area && area->type == DIR_AREA)
			add_addrs(c, r, TRUE, area->ads);
	}
	add_from_managers(c, dir, st, r);
	notify_rcpts_add_text(c, r, TRUE, c->liaison_coordinators);
	add_groups_cc(c, dir, st, r);
}

/* is_robot - local parts that never read mail: answering them makes loops. */
static gboolean
is_robot(const char *address)
{
	static const char *const robots[] = { "mailer-daemon", "noreply", "no-reply",
		"donotreply", "do-not-reply", "bounce", "bounces", NULL };
	const char *at = strrchr(address, '@');
	if (!at)
		return TRUE;
	g_autofree char *local = g_ascii_strdown(address, at - address);
	for (int i = 0; robots[i]; i++)
		if (strcmp(local, robots[i]) == 0)
			return TRUE;
	return g_str_has_prefix(local, "owner-") || g_str_has_suffix(local, "-bounces") ||
	    g_str_has_suffix(local, "-request");
}

/* held_add - one line for the secretariat: why ADDRESS gets no reply. */
static void
held_add(GPtrArray *held, const char *why, const char *address)
{
	if (!held)
		return;
	for (guint i = 0; i < held->len; i++) {
		const char *sep = strstr(held->pdata[i], ": ");
		if (sep && addr_equal(sep + 2, address))
			return;
	}
	g_ptr_array_add(held, g_strdup_printf("%s: %s", why, address));
}

/* add_person - one candidate for a reply, through the gates: no robot,
 * reply_policy (an authenticated domain), max_reply_recipients. */
static void
add_person(const struct conf *c, const struct statement *st, struct notify_rcpts *r,
    const char *name, const char *address, GPtrArray *held)
{
	if (!address || !*address || is_robot(address) || !addr_is_valid(address) ||
	    notify_rcpts_contains(r, address))
		return;
	if (c->reply_policy == CONF_REPLY_AUTHENTICATED && !statement_authenticated(st, address)) {
		held_add(held, "unauthenticated", address);
		return;
	}
	if ((int)r->to->len >= c->max_reply_recipients) {
		held_add(held, "over max_reply_recipients", address);
		return;
	}
	notify_rcpts_add(c, r, FALSE, name, address);
}

/* precedence_bulk - the mail said Precedence: bulk, junk or list (metadata
 * "precedence", parser/reply.c): a list's or robot's mail is not answered. */
static const char *
precedence_bulk(const struct statement *st)
{
	if (!st->metadata || !json_object_has_member(st->metadata, "precedence"))
		return NULL;
	const char *p = json_object_get_string_member(st->metadata, "precedence");
	return p && (!g_ascii_strcasecmp(p, "bulk") || !g_ascii_strcasecmp(p, "junk") ||
	    !g_ascii_strcasecmp(p, "list")) ? p : NULL;
}

void
notify_rcpts_submitter(const struct conf *c, const struct statement *st,
    struct notify_rcpts *r)
{
	notify_rcpts_submitter_held(c, st, r, NULL);
}

void
notify_rcpts_submitter_held(const struct conf *c, const struct statement *st,
    struct notify_rcpts *r, GPtrArray *held)
{
	if (st->auto_generated || st->state == STMT_IGNORED)
		return;
	if (c->reply_policy == CONF_REPLY_NEVER) {
		if (held)
			g_ptr_array_add(held, g_strdup("reply_policy is never"));
		return;
	}
	const char *prec = precedence_bulk(st);
	if (prec) {
		if (held)
			g_ptr_array_add(held, g_strdup_printf("the mail says Precedence: %s", prec));
		return;
	}
	add_person(c, st, r, NULL, st->from_liaison_contact, held);
	for (guint i = 0; i < st->from_contacts->len; i++) {
		const struct addr *a = st->from_contacts->pdata[i];
		add_person(c, st, r, a->name, a->address, held);
	}
	add_person(c, st, r, NULL, st->forwarded_by, held);
	if (r->to->len == 0 && st->submitter && *st->submitter) {
		/* submitter may be "Name <addr>" (header From) or a bare envelope sender. */
		g_autoptr(GError) e = NULL;
		struct addr *a = addr_parse_one(st->submitter, &e);
		add_person(c, st, r, a ? a->name : NULL, a ? a->address : st->submitter, held);
		addr_free(a);
	}
}

void
notify_rcpts_reminder(const struct conf *c, const struct directory *dir,
    const struct statement *st, struct notify_rcpts *r)
{
	if (st->outgoing) {
		/* the other body owes the answer: remind the IETF side, the
		 * submitter and the IETF liaison manager for that body */
		notify_rcpts_submitter(c, st, r);
		GPtrArray *lm = outgoing_liaison_managers(dir, st);
		add_addrs(c, r, TRUE, lm);
		g_ptr_array_unref(lm);
		return;
	}
	struct notify_rcpts routing;
	notify_rcpts_init(&routing);
	notify_rcpts_routing(c, dir, st, &routing);
	/* RFC 4053 6.2: the reminder copies the submission mail's people but not
	 * the open lists; the To groups' lists are what we know as lists. */
	for (guint i = 0; i < routing.to->len; i++) {
		const struct addr *a = routing.to->pdata[i];
		gboolean is_list = FALSE;
		for (guint j = 0; j < st->to_groups->len && !is_list; j++) {
			const struct dir_group *d = group_of(dir, st->to_groups->pdata[j]);
			is_list = d && d->list && addr_equal(d->list, a->address);
		}
		if (!is_list)
			notify_rcpts_add(c, r, FALSE, a->name, a->address);
	}
	notify_rcpts_clear(&routing);
	add_from_managers(c, dir, st, r);
	notify_rcpts_add_text(c, r, TRUE, c->liaison_coordinators);
}

void
notify_rcpts_secretariat(const struct conf *c, struct notify_rcpts *r)
{
	notify_rcpts_add_text(c, r, FALSE, c->secretariat);
}

/* join_held - LIST's entries as one line, the first 20 of them. */
static char *
join_held(GPtrArray *list)
{
	GString *s = g_string_new(NULL);
	for (guint i = 0; i < list->len && i < 20; i++)
		g_string_append_printf(s, "%s%s", i ? ", " : "", (const char *)list->pdata[i]);
	if (list->len > 20)
		g_string_append_printf(s, " and %u more", list->len - 20);
	return g_string_free(s, FALSE);
}

void
notify_note_held(const struct conf *c, const struct directory *dir, struct statement *st)
{
	if (st->auto_generated)
		return;
	gboolean posted = st->state == STMT_POSTED;
	if (!posted && st->state != STMT_REJECTED)
		return;
	struct notify_rcpts r;
	g_autoptr(GPtrArray) held = g_ptr_array_new_with_free_func(g_free);
	notify_rcpts_init(&r);
	notify_rcpts_submitter_held(c, st, &r, held);
	if (held->len > 0) {
		g_autofree char *list = join_held(held);
		if (r.to->len == 0)
			statement_problem(st, PROB_NO_REPLY, NULL,
			    "No reply sent (%s): %s.", posted ? "acknowledgement" : "rejection", list);
		else
			statement_problem(st, PROB_NO_REPLY, NULL,
			    "The %s went to %u address(es), not to: %s.",
			    posted ? "acknowledgement" : "rejection", r.to->len, list);
	}
	notify_rcpts_clear(&r);
	if (!posted)
		return;
	g_autoptr(GPtrArray) extra = g_ptr_array_new_with_free_func(g_free);
	notify_rcpts_init(&r);
	notify_rcpts_routing_held(c, dir, st, &r, extra);
	notify_rcpts_clear(&r);
	if (extra->len > 0) {
		g_autofree char *list = join_held(extra);
		statement_problem(st, PROB_RECIPIENTS_CAPPED, NULL,
		    "Not mailed (more than max_extra_recipients = %d To-Contacts outside the "
		    "directory): %s.", c->max_extra_recipients, list);
	}
}
