//! The document view that `Document::edit` reconciles through. autosurgeon writes every
//! scalar field of a record on each reconcile, and Automerge treats re-writing a field that
//! holds concurrent values as resolving them. That would silently settle a clinical
//! conflict whenever anyone edited any other field of the record. This wrapper skips a
//! scalar write whose value equals the value the field already shows, so an edit only
//! touches the fields it changed and an open conflict stays open until someone resolves it
//! (or edits that very field to a new value).

use automerge::transaction::Transaction;
use automerge::{self as am, AutomergeError, ObjId, Value};
use std::ops::RangeBounds;

pub(crate) struct Careful<'a, 'b>(pub(crate) &'a mut Transaction<'b>);

impl Careful<'_, '_> {
    /// Whether writing `value` would change nothing a reader sees. An absent optional field
    /// stays absent, so a record of an older schema is not filled with empty fields by
    /// every edit (two such edits would otherwise race to create them).
    fn unchanged(&self, obj: &ObjId, prop: &am::Prop, value: &am::ScalarValue) -> bool {
        match am::ReadDoc::get(&*self.0, obj, prop.clone()) {
            Ok(Some((Value::Scalar(current), _))) => current.as_ref() == value,
            Ok(None) => matches!(value, am::ScalarValue::Null),
            _ => false,
        }
    }
}

impl autosurgeon::ReadDoc for Careful<'_, '_> {
    type Parents<'p>
        = am::Parents<'p>
    where
        Self: 'p;

    fn get_heads(&self) -> Vec<am::ChangeHash> {
        autosurgeon::ReadDoc::get_heads(&*self.0)
    }

    fn get<P: Into<am::Prop>>(
        &self,
        obj: &ObjId,
        prop: P,
    ) -> Result<Option<(Value<'_>, ObjId)>, AutomergeError> {
        am::ReadDoc::get(&*self.0, obj, prop)
    }

    fn object_type<O: AsRef<ObjId>>(&self, obj: O) -> Option<am::ObjType> {
        am::ReadDoc::object_type(&*self.0, obj).ok()
    }

    fn map_range<'a, O, R>(&'a self, obj: O, range: R) -> am::iter::MapRange<'a>
    where
        R: RangeBounds<String> + 'a,
        O: AsRef<ObjId>,
    {
        am::ReadDoc::map_range(&*self.0, obj, range)
    }

    fn list_range<O: AsRef<ObjId>, R: RangeBounds<usize>>(
        &self,
        obj: O,
        range: R,
    ) -> am::iter::ListRange<'_> {
        am::ReadDoc::list_range(&*self.0, obj, range)
    }

    fn length<O: AsRef<ObjId>>(&self, obj: O) -> usize {
        am::ReadDoc::length(&*self.0, obj)
    }

    fn text<O: AsRef<ObjId>>(&self, obj: O) -> Result<String, AutomergeError> {
        am::ReadDoc::text(&*self.0, obj)
    }

    fn parents<O: AsRef<ObjId>>(&self, obj: O) -> Result<Self::Parents<'_>, AutomergeError> {
        am::ReadDoc::parents(&*self.0, obj)
    }

    fn is_empty(&self) -> bool {
        autosurgeon::ReadDoc::is_empty(&*self.0)
    }
}

impl autosurgeon::Doc for Careful<'_, '_> {
    fn put<O: AsRef<ObjId>, P: Into<am::Prop>, V: Into<am::ScalarValue>>(
        &mut self,
        obj: O,
        prop: P,
        value: V,
    ) -> Result<(), AutomergeError> {
        let (prop, value) = (prop.into(), value.into());
        if self.unchanged(obj.as_ref(), &prop, &value) {
            return Ok(());
        }
        autosurgeon::Doc::put(&mut *self.0, obj, prop, value)
    }

    fn put_object<O: AsRef<ObjId>, P: Into<am::Prop>>(
        &mut self,
        obj: O,
        prop: P,
        value: am::ObjType,
    ) -> Result<ObjId, AutomergeError> {
        autosurgeon::Doc::put_object(&mut *self.0, obj, prop, value)
    }

    fn insert<O: AsRef<ObjId>, V: Into<am::ScalarValue>>(
        &mut self,
        obj: O,
        index: usize,
        value: V,
    ) -> Result<(), AutomergeError> {
        autosurgeon::Doc::insert(&mut *self.0, obj, index, value)
    }

    fn insert_object<O: AsRef<ObjId>>(
        &mut self,
        obj: O,
        index: usize,
        value: am::ObjType,
    ) -> Result<ObjId, AutomergeError> {
        autosurgeon::Doc::insert_object(&mut *self.0, obj, index, value)
    }

    fn increment<O: AsRef<ObjId>, P: Into<am::Prop>>(
        &mut self,
        obj: O,
        prop: P,
        value: i64,
    ) -> Result<(), AutomergeError> {
        autosurgeon::Doc::increment(&mut *self.0, obj, prop, value)
    }

    fn delete<O: AsRef<ObjId>, P: Into<am::Prop>>(
        &mut self,
        obj: O,
        prop: P,
    ) -> Result<(), AutomergeError> {
        autosurgeon::Doc::delete(&mut *self.0, obj, prop)
    }

    fn splice_text<O: AsRef<ObjId>>(
        &mut self,
        obj: O,
        pos: usize,
        del: isize,
        text: &str,
    ) -> Result<(), AutomergeError> {
        autosurgeon::Doc::splice_text(&mut *self.0, obj, pos, del, text)
    }

    fn update_text<O: AsRef<ObjId>>(&mut self, obj: O, text: &str) -> Result<(), AutomergeError> {
        autosurgeon::Doc::update_text(&mut *self.0, obj, text)
    }

    fn batch_create<O: AsRef<ObjId>, P: Into<am::Prop>>(
        &mut self,
        obj: O,
        prop: P,
        value: am::hydrate::Value,
        insert: bool,
    ) -> Result<(), AutomergeError> {
        autosurgeon::Doc::batch_create(&mut *self.0, obj, prop, value, insert)
    }

    fn init_root_from_hydrate(&mut self, value: &am::hydrate::Map) -> Result<(), AutomergeError> {
        autosurgeon::Doc::init_root_from_hydrate(&mut *self.0, value)
    }
}
