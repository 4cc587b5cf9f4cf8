/** One activation per Onlinedienst and Mandant; its id joins the two. */
export const aktivierungId = (onlinedienstId: string, mandantId: string) => `${onlinedienstId}-${mandantId}`;
