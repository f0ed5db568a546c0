/* outgoing.c - direction, submitters and approvers of outgoing statements, from the directory. */
#include "model/outgoing.h"
#include "conf/addr.h"

static const struct dir_group *
group_of(const struct directory *dir, const struct group_ref *g)
{
	return dir && g->acronym ? directory_get(dir, g->acronym) : NULL;
}

gboolean
outgoing_is(const struct statement *st, const struct directory *dir)
{
	if (st->auto_generated || st->from_groups->len == 0 || st->to_groups->len == 0)
		return FALSE;
	for (guint i = 0; i < st->from_groups->len; i++) {
		const struct dir_group *d = group_of(dir, st->from_groups->pdata[i]);
		if (!d || d->type == DIR_SDO)
			return FALSE;
	}
	for (guint i = 0; i < st->to_groups->len; i++) {
		const struct dir_group *d = group_of(dir, st->to_groups->pdata[i]);
		if (!d || d->type == DIR_SDO)
			return TRUE;
	}
	return FALSE;
}

/* add_unique - the addresses of LIST into OUT, each once. */
static void
add_unique(GPtrArray *out, GPtrArray *list)
{
	for (guint i = 0; list && i < list->len; i++) {
		const struct addr *a = list->pdata[i];
		gboolean seen = FALSE;
		for (guint j = 0; j < out->len && !seen; j++)
			seen = addr_equal(((const struct addr *)out->pdata[j])->address, a->address);
		if (!seen)
			g_ptr_array_add(out, (gpointer)a);
	}
}

static GPtrArray *
chairs_of(const struct directory *dir, enum dir_type t)
{
	const struct dir_group *g = directory_of_type(dir, t);
	return g ? g->chairs : NULL;
}

/* area_of - the area of wg G (NULL when it has none). */
static const struct dir_group *
area_of(const struct directory *dir, const struct dir_group *g)
{
	const struct dir_group *p = g->parent ? directory_get(dir, g->parent) : NULL;
	return p && p->type == DIR_AREA ? p : NULL;
}

GPtrArray *
outgoing_group_approvers(const struct directory *dir, const struct dir_group *g)
{
	GPtrArray *out = g_ptr_array_new();
	const struct dir_group *area;
	switch (g->type) {
	case DIR_WG:
		if ((area = area_of(dir, g)))
			add_unique(out, area->ads);
		break;
	case DIR_AREA: add_unique(out, g->ads); break;
	case DIR_RG: case DIR_IRTF: add_unique(out, chairs_of(dir, DIR_IRTF)); break;
	case DIR_IETF: case DIR_IESG: add_unique(out, chairs_of(dir, DIR_IETF)); break;
	case DIR_IAB: add_unique(out, chairs_of(dir, DIR_IAB)); break;
	case DIR_SDO: break;
	}
	return out;
}

GPtrArray *
outgoing_approvers(const struct directory *dir, const struct statement *st)
{
	GPtrArray *out = g_ptr_array_new();
	for (guint i = 0; i < st->from_groups->len; i++) {
		const struct dir_group *d = group_of(dir, st->from_groups->pdata[i]);
		if (!d)
			continue;
		GPtrArray *a = outgoing_group_approvers(dir, d);
		add_unique(out, a);
		g_ptr_array_unref(a);
	}
	return out;
}

static gboolean
in_addrs(GPtrArray *list, const char *address)
{
	for (guint i = 0; list && address && i < list->len; i++)
		if (addr_equal(((const struct addr *)list->pdata[i])->address, address))
			return TRUE;
	return FALSE;
}

gboolean
outgoing_approves(const struct directory *dir, const struct statement *st, const char *address)
{
	if (!address || st->from_groups->len == 0)
		return FALSE;
	for (guint i = 0; i < st->from_groups->len; i++) {
		const struct dir_group *d = group_of(dir, st->from_groups->pdata[i]);
		if (!d)
			return FALSE;
		GPtrArray *a = outgoing_group_approvers(dir, d);
		gboolean yes = in_addrs(a, address);
		g_ptr_array_unref(a);
		if (!yes)
			return FALSE;
	}
	return TRUE;
}

GPtrArray *
outgoing_liaison_managers(const struct directory *dir, const struct statement *st)
{
	GPtrArray *out = g_ptr_array_new();
	for (guint i = 0; i < st->to_groups->len; i++) {
		const struct dir_group *d = group_of(dir, st->to_groups->pdata[i]);
		if (!d || d->type != DIR_SDO)
			continue;
		GPtrArray *lm = directory_liaison_managers(dir, d);
		add_unique(out, lm);
		g_ptr_array_unref(lm);
	}
	return out;
}

gboolean
outgoing_may_submit(const struct directory *dir, const struct statement *st,
    const char *secretariat, const char *address)
{
	if (!address || !*address)
		return FALSE;
	for (guint i = 0; i < st->from_groups->len; i++) {
		const struct dir_group *d = group_of(dir, st->from_groups->pdata[i]);
		if (!d)
			continue;
		const struct dir_group *area = d->type == DIR_WG ? area_of(dir, d) : NULL;
		if (in_addrs(d->chairs, address) || in_addrs(d->secretaries, address) ||
		    in_addrs(d->delegates, address) || in_addrs(d->ads, address) ||
		    (area && in_addrs(area->ads, address)))
			return TRUE;
	}
	static const enum dir_type leaders[] = { DIR_IETF, DIR_IAB, DIR_IRTF };
	for (size_t i = 0; i < G_N_ELEMENTS(leaders); i++)
		if (in_addrs(chairs_of(dir, leaders[i]), address))
			return TRUE;
	GPtrArray *lm = outgoing_liaison_managers(dir, st);
	gboolean yes = in_addrs(lm, address);
	g_ptr_array_unref(lm);
	if (yes)
		return TRUE;
	GPtrArray *sec = NULL;
	if (secretariat && *secretariat && addr_parse_list(secretariat, &sec, NULL)) {
		yes = in_addrs(sec, address);
		g_ptr_array_unref(sec);
	}
	return yes;
}

gboolean
outgoing_sent_to_body(const struct directory *dir, const struct statement *st,
    GPtrArray *recipients)
{
	for (guint r = 0; recipients && r < recipients->len; r++) {
		const char *a = recipients->pdata[r];
		if (in_addrs(st->to_contacts, a) ||
		    (st->to_liaison_contact && addr_equal(st->to_liaison_contact, a)))
			return TRUE;
		for (guint i = 0; i < st->to_groups->len; i++) {
			const struct dir_group *d = group_of(dir, st->to_groups->pdata[i]);
			if (d && d->type == DIR_SDO && in_addrs(d->contacts, a))
				return TRUE;
		}
	}
	return FALSE;
}
